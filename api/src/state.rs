use std::sync::Arc;

use persistence::DbPool;

use crate::clock::Clock;
use crate::config::Config;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub clock: Clock,
    pub config: Arc<Config>,
}
