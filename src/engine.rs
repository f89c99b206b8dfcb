//! The Engine: an immutable, cheaply cloned handle on a [`Config`]. Modules and stores
//! are created against an engine and follow its limits. Depends on config.

use crate::config::Config;
use std::sync::Arc;

/// A configured runtime. Clone is cheap (a shared pointer).
#[derive(Clone, Debug, Default)]
pub struct Engine {
    config: Arc<Config>,
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: Config) -> Engine {
        Engine {
            config: Arc::new(config),
        }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}
