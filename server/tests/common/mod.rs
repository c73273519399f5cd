//! The test kit for this package's tests: the kit itself, with this
//! package's `dialoog` binary.

#![allow(dead_code)]

pub use testkit::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_dialoog");

/// A demo server of this package's binary (demo accounts, the seeded tender).
pub trait DemoServer {
    fn start() -> impl std::future::Future<Output = Server>;
    /// A fresh installation of this package's binary (see [`Server::fresh_bin`]).
    fn fresh(env: &[(&str, &str)]) -> impl std::future::Future<Output = Server>;
}

impl DemoServer for Server {
    async fn start() -> Server {
        Server::start_bin(BIN).await
    }
    async fn fresh(env: &[(&str, &str)]) -> Server {
        Server::fresh_bin(BIN, env).await
    }
}

/// A server process on a fresh database with the given extra environment,
/// stdout piped; returns it with its base URL once it answers.
pub async fn spawn_fresh(dir: &std::path::Path, db: &TestDb, env: &[(&str, &str)]) -> (KillOnDrop, String) {
    testkit::spawn_fresh(BIN, dir, db, env).await
}

/// The seeded tender published and open for bids, on a fresh demo server.
pub async fn published() -> Scenario {
    Scenario::published(Server::start().await).await
}
