//! Short links: codes drawn for each message's links as it leaves, and the clicks on them.
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::delivery::Message;
use crate::domain::ids::DeliveryId;
use crate::domain::links::links_in;
use crate::domain::short_links::{LinkCode, is_preview_fetcher, rewrite, target_of};
use crate::domain::sms::SmsBody;
use crate::store::{Click, DeliveryJob, NewShortLink, WindowHold};

use super::{App, AppError};

/// Where a short link leads, and the click to record if a person followed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkVisit {
    pub url: String,
    /// `None` for a link-preview fetcher: redirected, not counted.
    pub click: Option<Click>,
}

/// Codes drawn again for pairs whose first draw was taken, before a message goes unshortened.
const DRAWS: usize = 3;

fn random_codes(count: usize) -> Result<Vec<LinkCode>, AppError> {
    let mut bytes = vec![0u8; count * 8];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|b| LinkCode::from_random(u64::from_le_bytes(b.try_into().expect("8 bytes"))))
        .collect())
}

impl App {
    /// Gives each link of the messages about to go its recipient's short link (the same codes
    /// when a message goes again). When the codes can't be kept, those messages wait a minute:
    /// they were priced with short links, and go with them.
    pub(super) async fn shorten_links(
        &self,
        mut jobs: Vec<DeliveryJob>,
        now: DateTime<Utc>,
    ) -> Vec<DeliveryJob> {
        let mut wanted: Vec<NewShortLink> = Vec::new();
        for job in &jobs {
            let (Some(_), Some(message)) = (&job.short_links, &job.message) else {
                continue;
            };
            for (position, link) in links_in(message.body.as_str()).iter().enumerate() {
                wanted.push(NewShortLink {
                    code: LinkCode::from_random(0),
                    account: job.window.account,
                    delivery: job.id,
                    position: position as u32,
                    url: target_of(link),
                    created_at: now,
                });
            }
        }
        if wanted.is_empty() {
            return jobs;
        }
        let mut codes: HashMap<(DeliveryId, u32), LinkCode> = HashMap::new();
        for _ in 0..DRAWS {
            let mut missing: Vec<NewShortLink> = wanted
                .iter()
                .filter(|l| !codes.contains_key(&(l.delivery, l.position)))
                .cloned()
                .collect();
            if missing.is_empty() {
                break;
            }
            let kept = match random_codes(missing.len()) {
                Ok(drawn) => {
                    for (link, code) in missing.iter_mut().zip(drawn) {
                        link.code = code;
                    }
                    self.store
                        .short_links(&missing)
                        .await
                        .map_err(AppError::from)
                }
                Err(e) => Err(e),
            };
            match kept {
                Ok(found) => codes.extend(found.into_iter().map(|(d, p, c)| ((d, p), c))),
                Err(e) => {
                    tracing::warn!(error = %e, "short links not kept: their messages wait a minute");
                    break;
                }
            }
        }
        let mut waiting = Vec::new();
        jobs.retain_mut(|job| {
            let (Some(base), Some(message)) = (&job.short_links, &job.message) else {
                return true;
            };
            let mut complete = true;
            let text = rewrite(message.body.as_str(), |position, _| {
                match codes.get(&(job.id, position as u32)) {
                    Some(code) => base.url(*code),
                    None => {
                        complete = false;
                        String::new()
                    }
                }
            });
            match SmsBody::parse(&text) {
                Ok(body) if complete => {
                    job.message = Some(Arc::new(Message {
                        body,
                        sender: message.sender.clone(),
                    }));
                    true
                }
                _ => {
                    waiting.push(WindowHold {
                        id: job.id,
                        until: Some(now + TimeDelta::minutes(1)),
                        restart: false,
                    });
                    false
                }
            }
        });
        if !waiting.is_empty()
            && let Err(e) = self.store.hold_deliveries(&waiting, now).await
        {
            // Still claimed: retried once their lease runs out.
            tracing::warn!(held = waiting.len(), error = %e, "messages without short links not given back yet");
        }
        jobs
    }

    /// Where a short link leads, and the click a person's visit makes; `None` for an unknown
    /// or expired code (anything that isn't a code included).
    pub async fn follow_link(
        &self,
        code: &str,
        user_agent: Option<&str>,
    ) -> Result<Option<LinkVisit>, AppError> {
        let Some(code) = LinkCode::parse(code) else {
            return Ok(None);
        };
        let Some(target) = self.store.short_link(code).await? else {
            return Ok(None);
        };
        let now = self.now();
        let ends = target.created_at + TimeDelta::days(i64::from(target.expiry.as_days()));
        if now >= ends {
            return Ok(None);
        }
        Ok(Some(LinkVisit {
            url: target.url,
            click: (!is_preview_fetcher(user_agent)).then_some(Click {
                code,
                delivery: target.delivery,
                at: now,
            }),
        }))
    }

    pub async fn record_clicks(&self, clicks: &[Click]) -> Result<(), AppError> {
        Ok(self.store.record_clicks(clicks).await?)
    }
}
