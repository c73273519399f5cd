//! Columns that hold a domain value as its canonical text: every status and
//! phase, and the checked values (KvK number, e-mail address, postcode,
//! pseudonym, ...). `Coded<T>` is the column type; it refuses to read a text
//! that is not a code of `T`, and a query can only compare it with a `T`.

use domain::code::Code;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ActiveValue, ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};

/// A domain value stored as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Coded<T>(pub T);

impl<T> Coded<T> {
    pub fn get(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Coded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Coded<T> {
    fn from(v: T) -> Self {
        Coded(v)
    }
}

impl<T: PartialEq> PartialEq<T> for Coded<T> {
    fn eq(&self, other: &T) -> bool {
        &self.0 == other
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Coded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn unknown<T>(s: &str) -> String {
    format!("'{s}' is no code of {}", std::any::type_name::<T>())
}

impl<T: Code> From<Coded<T>> for Value {
    fn from(c: Coded<T>) -> Value {
        Value::from(c.0.as_code().to_string())
    }
}

impl<T: Code> TryGetable for Coded<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let s = <String as TryGetable>::try_get_by(res, index)?;
        T::from_code(&s).map(Coded).ok_or_else(|| TryGetError::DbErr(DbErr::Type(unknown::<T>(&s))))
    }
}

impl<T: Code> ValueType for Coded<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        let s = <String as ValueType>::try_from(v)?;
        T::from_code(&s).map(Coded).ok_or(ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Coded<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        <String as ValueType>::array_type()
    }

    fn column_type() -> ColumnType {
        <String as ValueType>::column_type()
    }
}

impl<T: Code> Nullable for Coded<T> {
    fn null() -> Value {
        <String as Nullable>::null()
    }
}

impl<T: Code> IntoActiveValue<Coded<T>> for Coded<T> {
    fn into_active_value(self) -> ActiveValue<Coded<T>> {
        ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::access::Phase;

    #[test]
    fn a_coded_column_writes_the_code_and_reads_only_codes() {
        assert_eq!(Value::from(Coded(Phase::Gepubliceerd)), Value::from("gepubliceerd".to_string()));
        assert_eq!(<Coded<Phase> as ValueType>::try_from(Value::from("concept".to_string())).unwrap(), Phase::Concept);
        assert!(<Coded<Phase> as ValueType>::try_from(Value::from("Concept".to_string())).is_err());
    }
}
