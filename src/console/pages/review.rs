//! One submission: approve it, or refuse it with a reason.
use axum::Extension;
use axum::extract::State;

use super::super::extract::Id;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::console::ModeratorSession;
use crate::app::{AppError, Decision};
use crate::domain::campaign::{Refusal, RefusalCode, Review};
use crate::domain::ids::CampaignId;
use crate::domain::links::links_in;
use crate::domain::window;
use crate::english;

use super::super::security::CheckedForm;
use super::super::views::{LinkLine, Nav, ReviewPage, SubmissionCard, WindowLine};
use super::super::{Console, ConsoleError, words};
use super::render;

#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    version: u32,
}

#[derive(Debug, Deserialize)]
pub struct RefuseForm {
    version: u32,
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
) -> Result<Response, ConsoleError> {
    page(&console, &session, CampaignId(campaign), None, "", "").await
}

async fn page(
    console: &Console,
    session: &ModeratorSession,
    campaign: CampaignId,
    error: Option<String>,
    code: &str,
    reason: &str,
) -> Result<Response, ConsoleError> {
    let review = console.app.review(campaign).await?;
    let card = SubmissionCard::of(
        &review.campaign,
        &review.account_name,
        &review.refusals,
        review.now,
    )
    .ok_or_else(|| {
        ConsoleError::BadInput("this campaign has never been submitted: nothing to review".into())
    })?;
    let pending = review
        .campaign
        .submission
        .as_ref()
        .is_some_and(|s| s.review == Review::Pending && s.cancelled.is_none());
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
    let mut response = render(&ReviewPage {
        nav: Nav::new(session, "queue"),
        card,
        links,
        windows,
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
        started: review
            .campaign
            .submission
            .as_ref()
            .is_some_and(|s| s.started_at.is_some()),
        pending,
        error: error.clone(),
        code: code.to_owned(),
        reason: reason.to_owned(),
        max_reason: Refusal::MAX_CHARS,
    })?;
    if error.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Decides, then shows the queue; a decision someone else took first, or a refusal without a
/// valid reason, comes back to the page with the message and what was typed.
async fn decide(
    console: &Console,
    session: &ModeratorSession,
    campaign: CampaignId,
    version: u32,
    decision: Decision,
    typed: (&str, &str),
) -> Result<Response, ConsoleError> {
    match console
        .app
        .decide(campaign, version, &session.moderator, decision)
        .await
    {
        Ok(_) => {
            console.cache.forget_queue();
            Ok(Redirect::to("/queue").into_response())
        }
        Err(e @ (AppError::Campaign(_) | AppError::Busy)) => {
            page(
                console,
                session,
                campaign,
                Some(words::error(&e)),
                typed.0,
                typed.1,
            )
            .await
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
    decide(
        &console,
        &session,
        CampaignId(campaign),
        form.version,
        Decision::Approve,
        ("", ""),
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
    let Some(code) = RefusalCode::parse(&form.code) else {
        let message = "choose a reason code: technical or code of conduct".to_owned();
        return page(
            &console,
            &session,
            campaign,
            Some(message),
            &form.code,
            &form.reason,
        )
        .await;
    };
    let decision = Decision::Refuse {
        code,
        reason: form.reason.clone(),
    };
    decide(
        &console,
        &session,
        campaign,
        form.version,
        decision,
        (&form.code, &form.reason),
    )
    .await
}
