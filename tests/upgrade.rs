//! Databases written by earlier releases read back after the migrations that follow them.
use herald::domain::effects::Actor;
use herald::domain::ids::{ModeratorName, UserId};

use crate::support::{Engine, TestDb};

/// The migration before audit actors were typed.
const BEFORE_TYPED_ACTORS: i64 = 6;

/// Audit rows written in the old wording ("alice", "user 42", "Herald", "operator") read back
/// as typed actors; a moderator named "system" stays a moderator.
async fn old_audit_actors_read_back_typed(engine: Engine) {
    let db = TestDb::new(engine).await;
    let insert = "INSERT INTO audit_log (account_id, campaign_id, version, actor, action, detail, created_at) \
                  VALUES (1, NULL, NULL, $1, 'approved', '', $2)";
    let old = ["alice", "system", "user 42", "Herald", "operator"];
    match engine {
        Engine::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = db.url.parse().unwrap();
            let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                .await
                .unwrap();
            sqlx::migrate!("migrations/sqlite")
                .run_to(BEFORE_TYPED_ACTORS, &pool)
                .await
                .unwrap();
            for (i, actor) in old.iter().enumerate() {
                sqlx::query(insert)
                    .bind(actor)
                    .bind(i as i64)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::migrate!("migrations/postgres")
                .run_to(BEFORE_TYPED_ACTORS, &pool)
                .await
                .unwrap();
            for (i, actor) in old.iter().enumerate() {
                sqlx::query(insert)
                    .bind(actor)
                    .bind(i as i64)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
    }
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

on_both_engines!(old_audit_actors_read_back_typed);
