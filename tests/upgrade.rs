//! Databases written by earlier releases read back after the migrations that follow them.
use herald::domain::effects::Actor;
use herald::domain::ids::{ModeratorName, UserId};

use herald::domain::compliance::FlagKind;
use herald::store::QueueFilter;

use crate::support::{Engine, TestDb};

/// The migration before audit actors were typed.
const BEFORE_TYPED_ACTORS: i64 = 6;
/// The migration before versions' flag kinds were kept as bits for the queue's filters.
const BEFORE_FLAG_BITS: i64 = 17;

/// A database migrated up to `version` only, then written with `statements`, as an earlier
/// release would have left it.
async fn written_before(db: &TestDb, engine: Engine, version: i64, statements: &[String]) {
    match engine {
        Engine::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = db.url.parse().unwrap();
            let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                .await
                .unwrap();
            sqlx::migrate!("migrations/sqlite")
                .run_to(version, &pool)
                .await
                .unwrap();
            for statement in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::migrate!("migrations/postgres")
                .run_to(version, &pool)
                .await
                .unwrap();
            for statement in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
    }
}

/// Audit rows written in the old wording ("alice", "user 42", "Herald", "operator") read back
/// as typed actors; a moderator named "system" stays a moderator.
async fn old_audit_actors_read_back_typed(engine: Engine) {
    let db = TestDb::new(engine).await;
    let insert = |actor: &str, at: usize| {
        format!(
            "INSERT INTO audit_log (account_id, campaign_id, version, actor, action, detail, created_at) \
             VALUES (1, NULL, NULL, '{actor}', 'approved', '', {at})"
        )
    };
    let old = ["alice", "system", "user 42", "Herald", "operator"];
    let statements: Vec<String> = old.iter().enumerate().map(|(i, a)| insert(a, i)).collect();
    written_before(&db, engine, BEFORE_TYPED_ACTORS, &statements).await;
    let store = db.store().await;
    let mut actors: Vec<Actor> = store
        .audit_log(None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.actor)
        .collect();
    actors.reverse();
    let moderator = |name: &str| Actor::Moderator(ModeratorName::parse(name).unwrap());
    assert_eq!(
        actors,
        vec![
            moderator("alice"),
            moderator("system"),
            Actor::User(UserId(42)),
            Actor::System,
            Actor::Operator,
        ]
    );
}

/// Versions waiting before flag kinds had their own column are found by the queue's flag
/// filter after the upgrade, as they were found in the stored JSON before.
async fn waiting_versions_keep_their_flags_for_the_queue(engine: Engine) {
    let db = TestDb::new(engine).await;
    let flags = r#"[{"kind":"first_campaign"},{"kind":"all_caps","share":80}]"#;
    let statements = [
        "INSERT INTO accounts (id, name, region, zone, created_at, updated_at) \
         VALUES (1, 'Shop', 'FR', 'Europe/Paris', 0, 0)"
            .to_owned(),
        "INSERT INTO recipient_lists (account_id, created_at) VALUES (1, 0)".to_owned(),
        "INSERT INTO campaigns (account_id, name, name_key, owner_id, state, latest_version, created_at, updated_at) \
         VALUES (1, 'Spring', 'spring', 5, 'pending_review', 1, 0, 0)"
            .to_owned(),
        format!(
            "INSERT INTO submissions (campaign_id, version, body, sender, list_id, recipient_count, cost, reserved, \
             debited, flags, confirmed_by, confirmed_at, review) \
             SELECT c.id, 1, 'SOLDES', 'Shop', l.id, 1, 1, 1, 0, '{flags}', 5, 0, 'pending' \
             FROM campaigns c, recipient_lists l"
        ),
    ];
    written_before(&db, engine, BEFORE_FLAG_BITS, &statements).await;
    let store = db.store().await;
    let count = |flag: FlagKind| {
        let store = store.clone();
        async move {
            let filter = QueueFilter {
                flag: Some(flag),
                ..QueueFilter::default()
            };
            store.pending_count(&filter).await.unwrap()
        }
    };
    assert_eq!(count(FlagKind::FirstCampaign).await, 1);
    assert_eq!(count(FlagKind::AllCaps).await, 1);
    assert_eq!(count(FlagKind::MissingOptOut).await, 0);
    assert_eq!(count(FlagKind::SenderRule).await, 0);
}

on_both_engines!(
    old_audit_actors_read_back_typed,
    waiting_versions_keep_their_flags_for_the_queue
);
