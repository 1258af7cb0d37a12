//! The data-quality ledger: every stage writes the problems it meets here, one row each,
//! naming table, row, key, field, code and a message a person can act on — in English and,
//! where the stage wrote one, in Chinese ([`Message`]); `output::lang` picks the language.

use serde::Serialize;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

impl Severity {
    /// Every severity, the gravest first.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Notice];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// A problem's message in English and, when the stage that met it wrote one, in Chinese.
/// A plain string is an English message alone (`--lang zh` then names the code in Chinese
/// before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub en: String,
    pub zh: Option<String>,
}

impl Message {
    /// The same message in English and Chinese.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Message {
        Message { en: en.into(), zh: Some(zh.into()) }
    }

    /// The Chinese message, or the English one when there is none (for a message that is part
    /// of another).
    pub fn zh_or_en(&self) -> &str {
        self.zh.as_deref().unwrap_or(&self.en)
    }
}

impl From<String> for Message {
    fn from(en: String) -> Message {
        Message { en, zh: None }
    }
}

impl From<&str> for Message {
    fn from(en: &str) -> Message {
        Message { en: en.to_string(), zh: None }
    }
}

/// One problem met in the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Issue {
    pub severity: Severity,
    pub table: String,
    /// 1-based data row, or 1-based feature index; 0 when the problem is not of one row.
    pub row: usize,
    pub key: String,
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// The message in Chinese, when the stage wrote one.
    pub message_zh: Option<String>,
}

/// The ledger. Stages push issues in any order (also from parallel workers); the rows are
/// sorted by table, row and code before they are written so that outputs do not depend on
/// thread scheduling.
#[derive(Debug, Default)]
pub struct Ledger {
    issues: Mutex<Vec<Issue>>,
}

/// Where in the input a problem sits.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub table: &'a str,
    pub row: usize,
    pub key: &'a str,
    pub field: &'a str,
}

impl<'a> At<'a> {
    pub fn new(table: &'a str, row: usize, key: &'a str, field: &'a str) -> Self {
        At { table, row, key, field }
    }
}

/// A copy holds the problems pushed so far (`muchan serve` starts each evaluation from those
/// met while reading).
impl Clone for Ledger {
    fn clone(&self) -> Self {
        Ledger { issues: Mutex::new(self.lock().clone()) }
    }
}

impl Ledger {
    pub fn new() -> Self {
        Ledger::default()
    }

    pub fn push(&self, severity: Severity, at: At<'_>, code: &'static str, message: impl Into<Message>) {
        let Message { en: message, zh: message_zh } = message.into();
        let issue = Issue {
            severity,
            table: at.table.to_string(),
            row: at.row,
            key: at.key.to_string(),
            field: at.field.to_string(),
            code,
            message,
            message_zh,
        };
        self.lock().push(issue);
    }

    pub fn error(&self, at: At<'_>, code: &'static str, message: impl Into<Message>) {
        self.push(Severity::Error, at, code, message);
    }

    pub fn warning(&self, at: At<'_>, code: &'static str, message: impl Into<Message>) {
        self.push(Severity::Warning, at, code, message);
    }

    pub fn notice(&self, at: At<'_>, code: &'static str, message: impl Into<Message>) {
        self.push(Severity::Notice, at, code, message);
    }

    /// Moves the issues of `other` into this ledger.
    pub fn append(&self, other: Ledger) {
        let mut moved = other.issues.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.lock().append(&mut moved);
    }

    /// All issues in a stable order: table, row, then the rest of the row.
    pub fn sorted(&self) -> Vec<Issue> {
        let mut issues = self.lock().clone();
        issues.sort_by(|a, b| {
            (a.table.as_str(), a.row, a.code, &a.field, &a.key, &a.message, a.severity).cmp(&(
                b.table.as_str(),
                b.row,
                b.code,
                &b.field,
                &b.key,
                &b.message,
                b.severity,
            ))
        });
        issues
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.lock().iter().filter(|i| i.severity == severity).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Issue>> {
        // A poisoned ledger still holds every row pushed before the panic.
        self.issues.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
