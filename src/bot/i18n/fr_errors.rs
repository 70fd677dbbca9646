//! French wording of the errors a Discord user can meet; the English wording is the errors' own
//! `Display`. Anything not listed here falls back to English rather than to nothing.
use crate::app::AppError;
use crate::app::csv_source::CsvError;
use crate::domain::campaign::CampaignError as C;
use crate::domain::campaign::{MAX_TEST_NUMBERS, TestNumbersError};
use crate::domain::schedule::SendAtError as S;
use crate::domain::sms::SmsBodyError;
use crate::domain::survey::SurveyError;

pub fn app_error(e: &AppError) -> Option<String> {
    Some(match e {
        AppError::Campaign(c) => campaign(c)?,
        AppError::SendAt(s) => send_at(s),
        AppError::Zone(z) if z.suggestions.is_empty() => {
            format!(
                "fuseau horaire inconnu « {} » : utilisez un nom IANA comme Europe/Paris",
                z.input
            )
        }
        AppError::Zone(z) => {
            format!(
                "fuseau horaire inconnu « {} » : vouliez-vous dire {} ?",
                z.input,
                z.suggestions.join(", ")
            )
        }
        AppError::Body(SmsBodyError::Empty) => {
            "le message est vide : écrivez le texte du SMS".to_owned()
        }
        AppError::Body(SmsBodyError::TooLong { segments, max, .. }) => {
            format!(
                "le message demande {segments} segments SMS ; {max} au plus sont permis : raccourcissez-le"
            )
        }
        AppError::Csv(c) => csv(c)?,
        AppError::UnknownCampaign(name) => {
            format!(
                "aucune campagne « {name} » sur ce serveur : vérifiez le nom dans la liste des campagnes"
            )
        }
        AppError::NameTaken(name) => {
            format!("une campagne « {name} » existe déjà sur ce serveur : choisissez un autre nom")
        }
        AppError::UnknownConfirmation => {
            "cette confirmation est inconnue : finalisez à nouveau la campagne".to_owned()
        }
        AppError::NoRecipients(detail) => format!(
            "le fichier ne contient aucun destinataire utilisable ({detail}) : corrigez-le puis importez-le à nouveau"
        ),
        AppError::TestNumbers(TestNumbersError::Empty) => {
            "indiquez au moins un numéro de téléphone pour le test".to_owned()
        }
        AppError::TestNumbers(TestNumbersError::TooMany(n)) => format!(
            "un test part vers {MAX_TEST_NUMBERS} numéros au plus et {n} ont été donnés : gardez-en {MAX_TEST_NUMBERS} ou moins"
        ),
        AppError::Busy => {
            "quelqu'un a modifié cette campagne au même moment : regardez son statut puis réessayez"
                .to_owned()
        }
        AppError::Survey(e) => survey(e),
        AppError::ReviewExists => {
            "vous avez déjà partagé un avis sur ceci : merci, il est conservé tel quel".to_owned()
        }
        _ => return None,
    })
}

fn survey(e: &SurveyError) -> String {
    match e {
        SurveyError::AlreadyAnswered(n) => {
            format!("vous avez déjà donné {n}/5 : merci, votre réponse est conservée telle quelle")
        }
        SurveyError::Expired => {
            "ce questionnaire a expiré (il reste ouvert 7 jours) : merci tout de même".to_owned()
        }
        SurveyError::NotYours => {
            "ce questionnaire s'adressait à quelqu'un d'autre : rien n'a été enregistré".to_owned()
        }
        SurveyError::NotAnswered => {
            "donnez d'abord une note : un avis public l'accompagne".to_owned()
        }
        SurveyError::EmptyReview => {
            "un avis ne peut pas être vide : écrivez quelques mots, ou fermez le formulaire"
                .to_owned()
        }
        SurveyError::ReviewTooLong { chars, max } => {
            format!(
                "un avis compte au plus {max} caractères ; celui-ci en a {chars} : raccourcissez-le"
            )
        }
    }
}

fn campaign(c: &C) -> Option<String> {
    Some(match c {
        C::MissingBody => "la campagne n'a pas encore de message : écrivez d'abord son texte".to_owned(),
        C::NoRecipients => {
            "la campagne n'a pas encore de destinataires : importez d'abord un CSV de numéros".to_owned()
        }
        C::NoSender => "ni la campagne ni le serveur n'ont d'expéditeur : définissez-en un".to_owned(),
        C::VersionPending { version } => format!(
            "la version {version} attend sa validation : une seule version peut attendre à la fois ; annulez-la d'abord pour en soumettre une nouvelle"
        ),
        C::VersionInFlight { version, .. } => {
            format!("la version {version} est déjà validée : annulez-la d'abord pour en soumettre une nouvelle")
        }
        C::AlreadySending => "la campagne est en cours d'envoi : elle ne peut plus être modifiée".to_owned(),
        C::AlreadyCompleted => {
            "la campagne a été envoyée : créez une nouvelle campagne pour envoyer à nouveau".to_owned()
        }
        C::NotAwaitingConfirmation => "rien à confirmer : finalisez d'abord la campagne".to_owned(),
        C::ConfirmationExpired => "cette confirmation a expiré : finalisez à nouveau la campagne".to_owned(),
        C::DraftChanged => {
            "la campagne a changé depuis sa finalisation : finalisez-la à nouveau pour voir le nouveau récapitulatif"
                .to_owned()
        }
        C::NotYourConfirmation => {
            "cette confirmation a été présentée à quelqu'un d'autre : lancez la commande vous-même".to_owned()
        }
        C::SendTimePassed => {
            "l'heure d'envoi est passée depuis la finalisation : finalisez à nouveau avec une autre heure".to_owned()
        }
        C::InsufficientCredit { needed, available } => format!(
            "crédits insuffisants : l'envoi coûte {needed} crédits et {available} sont disponibles ; rechargez le compte puis réessayez"
        ),
        C::NotOwner => "seul le propriétaire de la campagne ou un gestionnaire du serveur peut l'annuler".to_owned(),
        C::NothingToCancel => "rien à annuler : la campagne est un brouillon".to_owned(),
        C::CannotCancel(_) => "la campagne ne peut plus être annulée".to_owned(),
        _ => return None,
    })
}

fn send_at(s: &S) -> String {
    match s {
        S::InGap {
            date,
            time,
            zone,
            gap_start,
            gap_end,
        } => format!(
            "{time} n'existe pas le {date} à {zone} : les horloges passent de {gap_start} à {gap_end} ; choisissez une autre heure"
        ),
        S::TooSoon { local, zone } => format!(
            "{local} ({zone}) est passé ou à moins d'une minute : choisissez une heure au moins 1 minute plus tard"
        ),
        S::TooFar { local, zone } => {
            format!("{local} ({zone}) est à plus d'un an : choisissez une heure dans l'année")
        }
        S::BadDate(d) => {
            format!("« {d} » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2027-03-28")
        }
        S::BadTime(t) => {
            format!("« {t} » n'est pas une heure : écrivez-la HH:MM, par exemple 14:30")
        }
    }
}

fn csv(c: &CsvError) -> Option<String> {
    Some(match c {
        CsvError::Empty => {
            "le fichier est vide : exportez la liste avec un numéro par ligne".to_owned()
        }
        CsvError::LineTooLong { line } => {
            format!(
                "la ligne {line} dépasse 64 Kio : vérifiez qu'il s'agit du bon fichier, exporté en CSV"
            )
        }
        CsvError::NotText { line } => format!(
            "la ligne {line} n'est pas du texte UTF-8 : exportez la liste en « CSV UTF-8 » puis importez-la à nouveau"
        ),
        CsvError::NoNumberColumn { line, .. } => format!(
            "aucune colonne de numéros de téléphone trouvée (ligne {line}) : ajoutez un en-tête nommant la colonne « téléphone », ou placez les numéros en première colonne"
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_errors_read_in_french_and_the_rest_fall_back() {
        let gap = AppError::SendAt(S::BadTime("25:00".into()));
        assert!(app_error(&gap).unwrap().contains("n'est pas une heure"));
        let pending = AppError::Campaign(C::VersionPending { version: 2 });
        assert!(app_error(&pending).unwrap().contains("la version 2 attend"));
        assert_eq!(app_error(&AppError::WeakPassword(12)), None);
    }
}
