use std::sync::Arc;

use domain::accounts::Lifetimes;
use domain::accounts::throttle::ThrottlePolicy;
use persistence::DbPool;

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub clock: Clock,
    pub config: Arc<Config>,
    pub jwt: Arc<JwtKeys>,
    pub lifetimes: Lifetimes,
    pub throttle: ThrottlePolicy,
    pub files: Arc<crate::adapters::storage::FileStore>,
    /// PayFiP's client, when `config.payments` says PayFiP.
    pub payfip: Option<crate::adapters::payfip::PayFipClient>,
    /// API Particulier's client, when the city looks quotients up.
    pub api_particulier: Option<crate::adapters::api_particulier::ApiParticulierClient>,
    /// The school holidays and closure days planning reads use.
    pub calendar: Arc<Snapshot<CityCalendar>>,
    /// The activities, their rules, units and groups planning reads use.
    pub catalog: Arc<Snapshot<ActivityCatalog>>,
    /// The children of two households and their schedules planning reads use.
    pub custody: Arc<Snapshot<crate::usecases::dossiers::households::CustodyIndex>>,
    /// FranceConnect and the city's provider, when configured.
    pub providers: Arc<crate::usecases::accounts::providers::IdentityProviders>,
    /// The scope each route needs from an app's token.
    pub scopes: Arc<crate::auth::scopes::ScopeTable>,
    /// The push channels the city's keys open.
    pub push: Arc<crate::adapters::push::Channels>,
    /// What `/metrics` shows.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Whether the instance is stopping (readiness then answers 503).
    pub lifecycle: Arc<crate::shutdown::Lifecycle>,
}

use crate::snapshot::Snapshot;
use crate::usecases::planning::activity_catalog::ActivityCatalog;
use crate::usecases::planning::city_calendar::CityCalendar;

impl AppState {
    /// Today's date in the city (dates of birth, quotient periods).
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock
            .now()
            .with_timezone(&self.config.city.time_zone)
            .date_naive()
    }

    /// The instance's copies planning reads take (calendar, activities, custody).
    pub fn copies(&self) -> crate::usecases::planning::CitySnapshots {
        crate::usecases::planning::CitySnapshots {
            calendar: self.calendar.clone(),
            catalog: self.catalog.clone(),
            custody: self.custody.clone(),
        }
    }

    pub fn rules(&self) -> crate::usecases::Rules<'_> {
        crate::usecases::Rules {
            throttle: &self.throttle,
            passwords: &self.config.password_policy,
            lifetimes: &self.lifetimes,
            frontend_url: &self.config.frontend_url,
        }
    }
}
