//! Spreadsheet exports as CSV for Dutch spreadsheet programs (semicolons, a
//! byte-order mark), every cell neutralised against formula injection
//! (`domain::spreadsheet`): the one way the application writes a CSV.

use crate::error::AppError;

pub struct Csv {
    w: csv::Writer<Vec<u8>>,
}

impl Default for Csv {
    fn default() -> Self {
        Self::new()
    }
}

impl Csv {
    pub fn new() -> Self {
        Csv { w: csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(vec![]) }
    }

    /// Writes one row.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| crate::domain::spreadsheet::cell(c.as_ref()).into_owned()).collect();
        self.w.write_record(&cells).map_err(|_| AppError::Internal)
    }

    /// The file's text, with its byte-order mark.
    pub fn finish(self) -> Result<String, AppError> {
        let bytes = self.w.into_inner().map_err(|_| AppError::Internal)?;
        Ok(format!("\u{feff}{}", String::from_utf8(bytes).map_err(|_| AppError::Internal)?))
    }
}
