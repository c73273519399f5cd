//! Values that are kept as text (in the database, in forms, in URLs): each
//! has one canonical text and a way back that refuses anything else. The
//! store maps every status, phase and checked value column through this
//! trait, so a misspelled status cannot be written or compared.

/// A value with a canonical text form.
pub trait Code: Sized {
    /// The canonical text (what is stored).
    fn as_code(&self) -> &str;
    /// The value a stored text stands for; `None` for anything else.
    fn from_code(s: &str) -> Option<Self>;
}

/// Defines an enum whose variants have a fixed code: `code()`, `parse()`,
/// `ALL`, `Display` (the code), serde as the code, and [`Code`].
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; { [$($code),+].len() }] = [$($name::$variant),+];

            /// The stored text.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value a stored text stands for.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::code::Code for $name {
            fn as_code(&self) -> &str {
                (*self).code()
            }
            fn from_code(s: &str) -> Option<Self> {
                Self::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
