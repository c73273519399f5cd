//! The one error type of the application: every failure a person can cause maps
//! to a Dutch message and a 4xx status; only our own faults are a 500.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("U bent niet ingelogd. Log eerst in.")]
    NotLoggedIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("Uw wachtwoord was eenmalig. Kies eerst een eigen wachtwoord.")]
    PasswordChangeRequired,
    #[error("Stel eerst de tweede stap van het inloggen in (een app die codes maakt).")]
    SecondFactorRequired,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("Er ging iets mis aan onze kant. Uw wijziging is niet opgeslagen; probeer het later opnieuw.")]
    Internal,
    #[error("De verbinding met de server mislukte. Controleer uw verbinding en probeer het opnieuw.")]
    Network(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotLoggedIn => 401,
            AppError::Forbidden(_) | AppError::PasswordChangeRequired | AppError::SecondFactorRequired => 403,
            AppError::Invalid(_) => 400,
            AppError::NotFound(_) => 404,
            AppError::TooManyRequests(_) => 429,
            AppError::Conflict(_) => 409,
            AppError::Unprocessable(_) => 422,
            AppError::TooLarge(_) => 413,
            AppError::Internal | AppError::Network(_) => 500,
        }
    }

    /// The refusal of a right outside tenders, worded for that right.
    pub fn for_action(self, action: crate::domain::access::GlobalAction) -> Self {
        use crate::domain::access::GlobalAction;
        match action {
            GlobalAction::CreateTender => {
                AppError::Forbidden("U heeft niet het recht om aanbestedingen aan te maken. Vraag het de functioneel beheerder.".into())
            }
            _ => self,
        }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("U heeft geen toegang tot deze functie in deze fase van de aanbesteding.".into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::Invalid("Het formulier is onvolledig of bevat een ongeldige waarde.".into())
            }
            // On the server these are the caller's request that could not be
            // read; in the browser, the connection or the answer.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Invalid("Het verzoek kwam niet volledig aan of bevat een ongeldige waarde. Probeer het opnieuw.".into())
            }
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Deserialization(e) => AppError::Network(e),
            ServerFnErrorErr::Registration(_) => AppError::NotFound("Deze functie bestaat niet.".into()),
            ServerFnErrorErr::Serialization(e) => AppError::Network(e),
            _ => AppError::Internal,
        }
    }
}

/// A rule's refusal keeps the kind the rule chose.
impl From<crate::domain::refusal::Refusal> for AppError {
    fn from(r: crate::domain::refusal::Refusal) -> Self {
        use crate::domain::refusal::Refusal;
        match r {
            Refusal::Invalid(m) => AppError::Invalid(m),
            Refusal::Conflict(m) => AppError::Conflict(m),
            Refusal::Forbidden(m) => AppError::Forbidden(m),
            Refusal::NotFound(m) => AppError::NotFound(m),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database");
        AppError::Internal
    }
}
