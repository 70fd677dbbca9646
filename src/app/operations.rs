//! What the people who run Herald ask of it: is the database well, how far behind is it, and
//! a copy of everything it keeps.
use crate::store::{Backlogs, DatabaseHealth, Engine, PoolUse};

use super::{App, AppError};

impl App {
    pub async fn database_health(&self) -> Result<DatabaseHealth, AppError> {
        Ok(self.store.database_health().await?)
    }

    pub async fn backlogs(&self) -> Result<Backlogs, AppError> {
        Ok(self.store.backlogs(self.now()).await?)
    }

    pub fn pool_use(&self) -> PoolUse {
        self.store.pool_use()
    }

    /// A consistent copy of the SQLite database in `path`, which must not exist yet.
    pub async fn backup(&self, path: &std::path::Path) -> Result<(), AppError> {
        if path.exists() {
            return Err(AppError::BackupExists(path.display().to_string()));
        }
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(AppError::BackupFolderMissing(folder.display().to_string()));
        }
        if self.store.engine() == Engine::Postgres {
            return Err(AppError::BackupNeedsPgDump);
        }
        Ok(self.store.backup_to(path).await?)
    }
}
