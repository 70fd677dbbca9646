//! What a use case answers when it can't do what was asked.
//!
//! Every variant but `Internal` is the user's to fix. The messages here are the command line's
//! and the logs' (English, with the command line's terms); the bot and the console word every
//! refusal themselves. `Internal` hides its cause (logged with an incident id) behind a short
//! apology.
use crate::app::csv_source::CsvError;
use crate::domain::account::AccountSettingsError;
use crate::domain::campaign::CampaignError;
use crate::domain::credits::TopUpError;
use crate::domain::ids::{CampaignNameError, InvalidModeratorName};
use crate::domain::phone::{PhoneNumberError, UnknownRegion};
use crate::domain::rating::InvalidRating;
use crate::domain::recipients::ImportReport;
use crate::domain::schedule::SendAtError;
use crate::domain::sender::InvalidSenderId;
use crate::domain::sms::SmsBodyError;
use crate::domain::zone::UnknownZone;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Campaign(#[from] CampaignError),
    #[error(transparent)]
    Answer(#[from] crate::domain::answer::AnswerError),
    #[error("answers are written in a number's thread of the replies channel")]
    NotAReplyThread,
    #[error(transparent)]
    CannedReason(#[from] crate::domain::review_desk::CannedReasonError),
    #[error("a reason labelled \"{0}\" exists already: pick another label, or change that one")]
    ReasonLabelTaken(String),
    #[error("this refusal reason no longer exists: reload the page")]
    UnknownReason,
    #[error(transparent)]
    Audience(#[from] crate::domain::audience::AudienceError),
    #[error(transparent)]
    Body(#[from] SmsBodyError),
    #[error(transparent)]
    Sender(#[from] InvalidSenderId),
    #[error(transparent)]
    Name(#[from] CampaignNameError),
    #[error(transparent)]
    SendAt(#[from] SendAtError),
    #[error(transparent)]
    Zone(#[from] UnknownZone),
    #[error(transparent)]
    Region(#[from] UnknownRegion),
    #[error(transparent)]
    FrenchWindow(#[from] crate::domain::window::FrenchRuleStays),
    #[error(transparent)]
    ShortCode(#[from] crate::domain::sender::InvalidShortCode),
    #[error(transparent)]
    Phone(#[from] PhoneNumberError),
    #[error(transparent)]
    OptOut(#[from] crate::domain::opt_out::OptOutRemovalError),
    #[error(transparent)]
    TopUp(#[from] TopUpError),
    #[error(transparent)]
    Settings(#[from] AccountSettingsError),
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error(transparent)]
    TestNumbers(#[from] crate::domain::campaign::TestNumbersError),
    #[error(transparent)]
    Rating(#[from] InvalidRating),
    #[error(transparent)]
    ModeratorName(#[from] InvalidModeratorName),
    #[error(transparent)]
    Survey(#[from] crate::domain::survey::SurveyError),
    #[error("this survey is unknown: it may have been deleted")]
    UnknownSurvey,
    #[error("you already shared a review of this: thank you, it is kept as it was")]
    ReviewExists,
    #[error("no such review, or it is already unpublished: reload the page")]
    UnknownReview,
    #[error(transparent)]
    Question(#[from] crate::domain::support::InvalidQuestion),
    #[error("the account has no support channel yet")]
    SupportNotConfigured,
    #[error("this support request was already answered")]
    UnknownSupportRequest,
    #[error("this thread is not a support conversation")]
    NotASupportThread,
    #[error("this support conversation is already closed")]
    SupportAlreadyClosed,
    #[error("no campaign named \"{0}\" in this account: check the name with `campaign list`")]
    UnknownCampaign(String),
    #[error("this account does not exist yet: add credit or create a campaign first")]
    UnknownAccount,
    #[error("a campaign named \"{0}\" already exists in this account: pick another name")]
    NameTaken(String),
    #[error("moderator \"{0}\" already exists: pick another name")]
    ModeratorExists(String),
    #[error("this confirmation is unknown: finalize the campaign again to get a new one")]
    UnknownConfirmation,
    #[error("only a manager of the account can do this")]
    ManagersOnly,
    #[error("the file holds no usable recipient: {}; fix the file and import it again", rejections(.0))]
    NoRecipients(Box<ImportReport>),
    #[error("that would take the balance past {max} credits: check the amount")]
    BalanceTooLarge { max: u64 },
    #[error(transparent)]
    Password(#[from] crate::domain::sign_in::PasswordError),
    #[error("wrong name or password: check both and try again")]
    SignInRefused,
    #[error("too many failed sign-ins: wait {minutes} minutes and try again")]
    TooManySignIns { minutes: i64 },
    #[error(
        "someone else changed this campaign at the same moment: look at its status and try again"
    )]
    Busy,
    #[error("{0} exists already: give the backup a new file's name")]
    BackupExists(String),
    #[error("there is no folder {0}: create it, or give the backup a path in an existing folder")]
    BackupFolderMissing(String),
    #[error("Herald backs up SQLite only: back a PostgreSQL database up with pg_dump")]
    BackupNeedsPgDump,
    #[error(
        "something went wrong on our side (incident {incident}); it was logged: please try again later"
    )]
    Internal { incident: String },
}

impl AppError {
    /// Logs an internal error with an incident id, and returns what the user may see.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        let mut bytes = [0u8; 4];
        // An incident id is only for matching a report to the log; a fixed id still works.
        let _ = getrandom::fill(&mut bytes);
        let incident = bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        tracing::error!(%incident, error = %cause, "internal error");
        AppError::Internal { incident }
    }

    /// The incident id of an internal error; empty for the others.
    pub fn incident(&self) -> &str {
        match self {
            AppError::Internal { incident } => incident,
            _ => "",
        }
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, AppError::Internal { .. })
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NameTaken(name) => AppError::NameTaken(name),
            StoreError::ModeratorExists(name) => AppError::ModeratorExists(name),
            StoreError::InsufficientCredit { needed, available } => {
                AppError::Campaign(CampaignError::InsufficientCredit { needed, available })
            }
            StoreError::Conflict => AppError::Busy,
            other => AppError::internal(other),
        }
    }
}

/// What an import left out, for the CLI and the logs.
fn rejections(report: &ImportReport) -> String {
    let parts: Vec<String> = [
        ("invalid", &report.invalid),
        ("duplicates", &report.duplicates),
        ("opted out", &report.opted_out),
        ("not a mobile number", &report.not_mobile),
    ]
    .into_iter()
    .filter(|(_, issues)| issues.count > 0)
    .map(|(what, issues)| {
        let lines: Vec<String> = issues.first_lines.iter().map(u64::to_string).collect();
        let label = if lines.len() == 1 { "line" } else { "lines" };
        format!("{} {what} ({label} {})", issues.count, lines.join(", "))
    })
    .collect();
    if parts.is_empty() {
        "the file has no rows".to_owned()
    } else {
        parts.join(", ")
    }
}
