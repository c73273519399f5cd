//! Spreadsheet exports: CSV for Dutch spreadsheet programs (semicolons, a
//! byte-order mark), every cell neutralised against formula injection
//! (`domain::spreadsheet`), and XLSX workbooks with typed cells: the one way
//! the application writes a spreadsheet.

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

/// One cell of an XLSX sheet, typed: numbers and instants are real number
/// and date cells, so sorting, filtering and sums work in the program.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    /// An amount in cents, shown in euros.
    Euro(i64),
    /// An instant, written as Dutch local time (the header says so).
    Instant(chrono::DateTime<chrono::Utc>),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

/// The longest text a cell holds (the XLSX format's own limit).
const MAX_CELL_CHARS: usize = 32_767;

/// An XLSX workbook of record: every sheet has a bold, frozen header row
/// with filters; text that a spreadsheet program would read as a formula is
/// stored as text with the quote prefix (shown as typed, never run).
pub struct Xlsx {
    wb: rust_xlsxwriter::Workbook,
}

impl Xlsx {
    /// A workbook titled `title`, made at `made` (the tender's clock); `head`
    /// (the audit head in words) goes in its comments, so a reader can tie
    /// the file to the trail.
    pub fn new(title: &str, made: chrono::DateTime<chrono::Utc>, head: Option<&str>) -> Self {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let comment = format!("Gemaakt met Dialoog op {}. {}", crate::domain::calendar::show_instant(made), head.unwrap_or(""));
        let props = rust_xlsxwriter::DocProperties::new()
            .set_title(title)
            .set_author("Dialoog")
            .set_comment(comment.trim_end())
            .set_creation_datetime(&made);
        wb.set_properties(&props);
        Xlsx { wb }
    }

    /// Adds a sheet named `name` with `columns` (header, width in
    /// characters) and `rows`.
    pub fn sheet<R>(&mut self, name: &str, columns: &[(&str, f64)], rows: R) -> Result<(), AppError>
    where
        R: IntoIterator<Item = Vec<Cell>>,
    {
        use rust_xlsxwriter::{Format, FormatAlign};
        let err = |e: rust_xlsxwriter::XlsxError| {
            tracing::error!(error = %e, "a spreadsheet could not be written");
            AppError::Internal
        };
        let header = Format::new().set_bold().set_background_color("D9E2F3").set_align(FormatAlign::Top);
        let text = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        let quoted = text.clone().set_quote_prefix();
        let number = Format::new().set_align(FormatAlign::Top).set_num_format("0.00");
        let int = Format::new().set_align(FormatAlign::Top).set_num_format("0");
        let euro = Format::new().set_align(FormatAlign::Top).set_num_format("\"€\" #,##0.00");
        let date = Format::new().set_align(FormatAlign::Top).set_num_format("dd-mm-yyyy hh:mm:ss");
        let ws = self.wb.add_worksheet();
        ws.set_name(name).map_err(err)?;
        for (c, (title, width)) in columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, *title, &header).map_err(err)?;
            ws.set_column_width(c, *width).map_err(err)?;
        }
        let mut last = 0u32;
        for (r, row) in rows.into_iter().enumerate() {
            let r = r as u32 + 1;
            last = r;
            for (c, cell) in row.into_iter().enumerate().take(columns.len()) {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        let s = if s.chars().count() > MAX_CELL_CHARS {
                            let mut t: String = s.chars().take(MAX_CELL_CHARS - 40).collect();
                            t.push_str(" … (ingekort; volledig in de applicatie)");
                            t
                        } else {
                            s
                        };
                        let f = if crate::domain::spreadsheet::cell(&s) != s.as_str() { &quoted } else { &text };
                        ws.write_string_with_format(r, c, &s, f).map_err(err)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number_with_format(r, c, n as f64, &int).map_err(err)?;
                    }
                    Cell::Number(x) => {
                        ws.write_number_with_format(r, c, x, &number).map_err(err)?;
                    }
                    Cell::Euro(cents) => {
                        ws.write_number_with_format(r, c, cents as f64 / 100.0, &euro).map_err(err)?;
                    }
                    Cell::Instant(t) => {
                        let local = t.with_timezone(&chrono_tz::Europe::Amsterdam).naive_local();
                        ws.write_datetime_with_format(r, c, local, &date).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        if !columns.is_empty() {
            ws.set_freeze_panes(1, 0).map_err(err)?;
            ws.autofilter(0, 0, last, columns.len() as u16 - 1).map_err(err)?;
        }
        Ok(())
    }

    /// The file.
    pub fn finish(mut self) -> Result<Vec<u8>, AppError> {
        self.wb.save_to_buffer().map_err(|e| {
            tracing::error!(error = %e, "a spreadsheet could not be written");
            AppError::Internal
        })
    }
}
