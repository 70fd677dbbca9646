//! One submission: opening it claims it; approve it, or refuse it with a kept reason or one's
//! own words, seen as the owner will read it before it goes; then on to the next item nobody
//! else is reviewing.
use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::extract::Id;
use crate::app::console::ModeratorSession;
use crate::app::{AppError, Decision};
use crate::domain::campaign::{Refusal, RefusalCode, Review, SendMode};
use crate::domain::ids::CampaignId;
use crate::domain::links::links_in;
use crate::domain::review_desk::{Change, ClaimOutcome, VersionDiff};
use crate::domain::window;
use crate::english;
use crate::store::{DecisionFilter, QueueFilter};

use super::super::security::CheckedForm;
use super::super::views::{
    AccountDecision, DiffView, LinkLine, Nav, ReasonOption, RefuseConfirmPage, ReviewPage,
    ReviewPanel, SubmissionCard, WindowLine,
};
use super::super::{Console, ConsoleError, format, words};
use super::queue::QueueQuery;
use super::render;

/// How many of the account's past decisions the review shows.
const ACCOUNT_DECISIONS: usize = 10;

#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    version: u32,
    #[serde(default)]
    back: String,
}

#[derive(Debug, Deserialize)]
pub struct RefuseForm {
    version: u32,
    /// A kept reason, by id; empty for one's own words.
    #[serde(default)]
    reason_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
    /// "yes" once the moderator saw the refusal as the owner will read it.
    #[serde(default)]
    confirm: String,
}

#[derive(Debug, Deserialize)]
pub struct TakeForm {
    #[serde(default)]
    back: String,
}

/// What the moderator typed, to show again with the message saying what was wrong.
#[derive(Debug, Default)]
pub struct Typed {
    pub error: Option<String>,
    pub code: String,
    pub reason: String,
    pub reason_id: Option<i64>,
    pub take_over: bool,
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
) -> Result<Response, ConsoleError> {
    let panel = panel(
        &console,
        &session,
        CampaignId(campaign),
        Typed::default(),
        "",
    )
    .await?;
    render(&ReviewPage {
        nav: Nav::new(&session, "queue"),
        panel,
    })
}

/// The queue's filters a form came back with, read again: only filters go into the address
/// the moderator is sent to, and the next item is found within them.
fn clean_back(console: &Console, back: &str) -> (QueueFilter, String) {
    let query: QueueQuery = serde_urlencoded::from_str(back).unwrap_or_default();
    let (filter, canonical, _) = query.filter(console.app.current_time());
    (filter, canonical)
}

fn queue_address(back: &str, open: Option<CampaignId>) -> String {
    match (back.is_empty(), open) {
        (true, None) => "/queue".to_owned(),
        (false, None) => format!("/queue?{back}"),
        (true, Some(open)) => format!("/queue?open={}#review", open.0),
        (false, Some(open)) => format!("/queue?{back}&open={}#review", open.0),
    }
}

/// Everything to decide on a version; opening it claims it for the moderator.
pub async fn panel(
    console: &Console,
    session: &ModeratorSession,
    campaign: CampaignId,
    typed: Typed,
    back: &str,
) -> Result<ReviewPanel, ConsoleError> {
    let review = console.app.review(campaign).await?;
    let submission = review.campaign.submission.as_ref().ok_or_else(|| {
        ConsoleError::BadInput("this campaign has never been submitted: nothing to review".into())
    })?;
    let names = console
        .app
        .names(
            review.campaign.account,
            &[submission.confirmed_by, review.campaign.owner],
        )
        .await?;
    let card = SubmissionCard::of(
        &review.campaign,
        &review.account_name,
        &review.refusals,
        &names,
        review.now,
    )
    .ok_or_else(|| {
        ConsoleError::BadInput("this campaign has never been submitted: nothing to review".into())
    })?;
    let pending = submission.review == Review::Pending && submission.cancelled.is_none();
    let claimed_by = match pending {
        false => None,
        true => match console
            .app
            .claim_review(
                campaign,
                submission.version,
                &session.moderator,
                typed.take_over,
            )
            .await?
        {
            ClaimOutcome::Held(_) => {
                console.cache.forget_queue();
                None
            }
            ClaimOutcome::HeldByOther(c) => Some(format!(
                "{} is reviewing it (until {})",
                c.moderator,
                format::utc(c.until)
            )),
        },
    };
    let diff = console
        .app
        .version_diff(&review.campaign)
        .await?
        .map(|d| diff_view(&d, &review.refusals));
    let reasons = console
        .app
        .canned_reasons()
        .await?
        .into_iter()
        .map(|r| ReasonOption {
            checked: typed.reason_id == Some(r.id),
            id: r.id,
            label: r.label.as_str().to_owned(),
            code: words::refusal_code(r.refusal.code()).to_owned(),
            text: r.refusal.text().to_owned(),
        })
        .collect();
    let history = console
        .app
        .decision_history(
            &DecisionFilter {
                account: Some(review.campaign.account),
                ..DecisionFilter::default()
            },
            1,
        )
        .await?;
    let decisions = history
        .decisions
        .iter()
        .take(ACCOUNT_DECISIONS)
        .map(|d| AccountDecision {
            at: format::utc(d.at),
            campaign: d.detail.clone(),
            outcome: english::audit_action(d.action).to_owned(),
            moderator: english::actor(&d.actor),
        })
        .collect();
    let links = links_in(&card.body)
        .into_iter()
        .map(|link| LinkLine {
            flags: link
                .flags
                .iter()
                .map(|f| english::link_flag(*f))
                .collect::<Vec<_>>()
                .join(", "),
            text: link.text,
        })
        .collect();
    let mut countries: BTreeMap<String, u64> = BTreeMap::new();
    for group in &review.plan.groups {
        let country = group
            .destination
            .region()
            .map(|r| r.code())
            .unwrap_or_else(|| "unknown".to_owned());
        *countries.entry(country).or_default() += group.recipients;
    }
    let windows = review
        .plan
        .groups
        .iter()
        .map(|group| WindowLine {
            zone: english::destination(&group.destination),
            recipients: group.recipients,
            waits: group.decision != window::Decision::Now,
            when: match &group.decision {
                window::Decision::Now => "from the send time".to_owned(),
                window::Decision::NotBefore { at, because } => format!(
                    "from {} ({})",
                    english::opening(&group.destination, *at),
                    english::closed_because(because)
                ),
            },
        })
        .collect();
    Ok(ReviewPanel {
        card,
        links,
        windows,
        countries: countries.into_iter().collect(),
        preview: review
            .preview
            .iter()
            .map(|m| {
                let who = format!("{} (line {})", m.phone, m.line);
                let text = match &m.text {
                    Ok(text) => text.clone(),
                    Err(problem) => format!("no message: {}", english::recipient_problem(problem)),
                };
                (who, text)
            })
            .collect(),
        origin: review.origin.as_ref().map(words::list_origin),
        started: submission.started_at.is_some(),
        pending,
        claimed_by,
        diff,
        reasons,
        decisions,
        error: typed.error,
        code: typed.code,
        reason: typed.reason,
        max_reason: Refusal::MAX_CHARS,
        next_href: format!(
            "/queue/next?{}",
            serde_urlencoded::to_string([
                ("skip", campaign.0.to_string()),
                ("back", back.to_owned()),
            ])
            .unwrap_or_default()
        ),
        back: back.to_owned(),
        csrf: session.csrf_token.clone(),
    })
}

fn send_words(mode: &SendMode) -> String {
    format::send_mode(mode)
}

fn diff_view(d: &VersionDiff, refusals: &[crate::store::PastRefusal]) -> DiffView {
    let recipients = match (d.added, d.removed) {
        (Some(added), Some(removed)) => format!(
            "{} → {}: {added} added, {removed} removed",
            d.recipients.0, d.recipients.1
        ),
        _ => format!("the same list ({})", d.recipients.1),
    };
    DiffView {
        against: d.against,
        body: d
            .body
            .0
            .iter()
            .map(|c| match c {
                Change::Same(t) => ("same", t.clone()),
                Change::Added(t) => ("added", t.clone()),
                Change::Removed(t) => ("removed", t.clone()),
            })
            .collect(),
        body_changed: !d.body.is_unchanged(),
        sender: d.sender.clone(),
        send: d
            .send
            .as_ref()
            .map(|(before, after)| (send_words(before), send_words(after))),
        recipients,
        refusal: refusals.iter().find(|r| r.version == d.against).map(|r| {
            format!(
                "{}: {} ({}, {})",
                words::refusal_code(r.code),
                r.text,
                words::reviewer(&r.by),
                format::utc(r.at)
            )
        }),
    }
}

/// Shows the review again with what went wrong (and what was typed).
async fn again(
    console: &Console,
    session: &ModeratorSession,
    campaign: CampaignId,
    typed: Typed,
    back: &str,
) -> Result<Response, ConsoleError> {
    let panel = panel(console, session, campaign, typed, back).await?;
    let mut response = render(&ReviewPage {
        nav: Nav::new(session, "queue"),
        panel,
    })?;
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Decides, then opens the next version nobody else is reviewing (in the same filters); a
/// decision someone else took first comes back to the page with the message.
async fn decide(
    console: &Console,
    session: &ModeratorSession,
    campaign: CampaignId,
    version: u32,
    decision: Decision,
    typed: Typed,
    (filter, back): (&QueueFilter, &str),
) -> Result<Response, ConsoleError> {
    match console
        .app
        .decide(campaign, version, &session.moderator, decision)
        .await
    {
        Ok(_) => {
            console
                .app
                .release_review(campaign, &session.moderator)
                .await?;
            console.cache.forget_queue();
            let next = console
                .app
                .next_to_review(&session.moderator, filter, Some(campaign))
                .await?;
            Ok(Redirect::to(&queue_address(back, next)).into_response())
        }
        Err(e @ (AppError::Campaign(_) | AppError::Busy)) => {
            let typed = Typed {
                error: Some(words::error(&e)),
                ..typed
            };
            again(console, session, campaign, typed, back).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn approve(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
    CheckedForm(form): CheckedForm<ApproveForm>,
) -> Result<Response, ConsoleError> {
    let (filter, back) = clean_back(&console, &form.back);
    decide(
        &console,
        &session,
        CampaignId(campaign),
        form.version,
        Decision::Approve,
        Typed::default(),
        (&filter, &back),
    )
    .await
}

pub async fn refuse(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
    CheckedForm(form): CheckedForm<RefuseForm>,
) -> Result<Response, ConsoleError> {
    let campaign = CampaignId(campaign);
    let (filter, back) = clean_back(&console, &form.back);
    let reason_id = form.reason_id.trim().parse::<i64>().ok();
    let typed = || Typed {
        error: None,
        code: form.code.clone(),
        reason: form.reason.clone(),
        reason_id,
        take_over: false,
    };
    // One's own words win over a kept reason; a kept reason alone brings its code and text.
    let refusal = match (form.reason.trim().is_empty(), reason_id) {
        (true, Some(id)) => console.app.canned_refusal(id).await,
        _ => match RefusalCode::parse(&form.code) {
            Some(code) => Refusal::new(code, &form.reason).map_err(AppError::from),
            None => {
                let error =
                    "pick a kept reason, or choose a code (technical or code of conduct) and write the reason"
                        .to_owned();
                let typed = Typed {
                    error: Some(error),
                    ..typed()
                };
                return again(&console, &session, campaign, typed, &back).await;
            }
        },
    };
    let refusal = match refusal {
        Ok(refusal) => refusal,
        Err(e) => {
            let typed = Typed {
                error: Some(words::error(&e)),
                ..typed()
            };
            return again(&console, &session, campaign, typed, &back).await;
        }
    };
    if form.confirm != "yes" {
        let review = console.app.review(campaign).await?;
        return render(&RefuseConfirmPage {
            nav: Nav::new(&session, "queue"),
            campaign_id: campaign.0,
            name: review.campaign.name.to_string(),
            version: form.version,
            code: refusal.code().as_str().to_owned(),
            code_words: words::refusal_code(refusal.code()).to_owned(),
            reason: refusal.text().to_owned(),
            back,
        });
    }
    let decision = Decision::Refuse {
        code: refusal.code(),
        reason: refusal.text().to_owned(),
    };
    decide(
        &console,
        &session,
        campaign,
        form.version,
        decision,
        typed(),
        (&filter, &back),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    /// The version being left.
    skip: Option<i64>,
    #[serde(default)]
    back: String,
}

/// The next version nobody else is reviewing, after `skip` (a link, accesskey "n").
pub async fn next(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    super::super::extract::Params(query): super::super::extract::Params<NextQuery>,
) -> Result<Response, ConsoleError> {
    let (filter, back) = clean_back(&console, &query.back);
    let next = console
        .app
        .next_to_review(&session.moderator, &filter, query.skip.map(CampaignId))
        .await?;
    Ok(Redirect::to(&queue_address(&back, next)).into_response())
}

/// Takes over a version another moderator is reviewing, deliberately.
pub async fn take_over(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
    CheckedForm(form): CheckedForm<TakeForm>,
) -> Result<Response, ConsoleError> {
    let campaign = CampaignId(campaign);
    let (_, back) = clean_back(&console, &form.back);
    let typed = Typed {
        take_over: true,
        ..Typed::default()
    };
    // Opening it with `take_over` claims it.
    panel(&console, &session, campaign, typed, &back).await?;
    Ok(Redirect::to(&queue_address(&back, Some(campaign))).into_response())
}
