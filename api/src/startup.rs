//! Building and running the server: database, migrations, the city, the app.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use anyhow::Context;
use persistence::{DatabaseUrl, DbPool, PoolOptions, run_migrations};
use utoipa_actix_web::AppExt;

use crate::adapters::email::OutboxWorker;
use crate::adapters::storage::FileStore;
use crate::auth::{JwtKeys, passwords, secrets};
use crate::clock::Clock;
use crate::config::Config;
use crate::metrics::{self, Metrics};
use crate::middleware::{compress, problems, request_gate, request_id, security_headers};
use crate::openapi;
use crate::problem::{
    RouteTable, form_config, json_config, path_config, query_config, unmatched_route,
};
use crate::routes::{self, docs};
use crate::seed::bootstrap;
use crate::shutdown;
use crate::state::AppState;
use crate::usecases::city::{Bootstrap, ensure_city};
use domain::accounts::Lifetimes;
use domain::accounts::throttle::ThrottlePolicy;

/// Where `METRICS_TOKEN` holders read the metrics on the API's own address.
const METRICS_PATH: &str = "/metrics";

/// A built server, listening but not yet serving.
#[allow(missing_debug_implementations)] // actix's Server has no Debug
pub struct Application {
    server: Server,
    port: u16,
    state: AppState,
    outbox: OutboxWorker,
    /// `GET /metrics` on `METRICS_BIND_ADDR`, and its port.
    metrics_server: Option<(Server, u16)>,
}

/// Opens the database, applies the migrations and makes sure the city exists.
pub fn prepare_database(
    config: &Config,
    clock: &Clock,
) -> anyhow::Result<(DbPool, Vec<String>, Bootstrap)> {
    let url = DatabaseUrl::parse(&config.database_url)?;
    let redacted = url.redacted();
    let options = PoolOptions {
        max_size: config.database_pool_size,
        acquire_timeout: config.database_acquire_timeout,
    };
    let pool = DbPool::open(url, &options)
        .with_context(|| format!("cannot open the database {redacted}"))?;
    let mut conn = pool.get()?;
    let applied = run_migrations(&mut conn)?;
    let now = clock.now();
    bootstrap::ensure_legal_documents(&mut conn, now)?;
    let outcome = ensure_city(&mut conn, &config.city, config.seed_demo, now)?;
    if outcome == Bootstrap::DemoSeeded && config.seed_demo_files {
        let files = FileStore::from_config(&config.files)?;
        crate::seed::demo::seed_invoice(&mut conn, &files, now)?;
        crate::seed::demo::seed_documents(&mut conn, &files, &config.frontend_url, now)?;
    }
    if let Some(admin) = &config.bootstrap_admin
        && bootstrap::ensure_admin(&mut conn, admin, now)?
    {
        tracing::info!(username = %admin.username, "bootstrap admin created");
    }
    Ok((pool, applied, outcome))
}

impl Application {
    pub async fn build(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let config = Arc::new(config);
        let (pool, applied, bootstrap) = {
            let (config, clock) = (config.clone(), clock.clone());
            tokio::task::spawn_blocking(move || prepare_database(&config, &clock)).await??
        };
        for migration in &applied {
            tracing::info!(migration, "migration applied");
        }
        match bootstrap {
            Bootstrap::DemoSeeded => tracing::info!("empty database: the demo city was seeded"),
            Bootstrap::CityCreated => {
                tracing::info!("empty database: the city was created from the configuration")
            }
            Bootstrap::AlreadyConfigured => {}
        }

        let listener = TcpListener::bind(&config.bind_addr)
            .with_context(|| format!("cannot listen on BIND_ADDR={}", config.bind_addr))?;
        let port = listener.local_addr()?.port();

        let spec = openapi::spec()?;
        let rendered = web::Data::new(docs::RenderedSpec {
            json: openapi::to_json(&spec)?,
            yaml: openapi::to_yaml(&spec),
        });
        let mut table = RouteTable::from_openapi(&spec);
        for path in [
            docs::SPEC_JSON_PATH,
            docs::SPEC_YAML_PATH,
            docs::DOCS_PATH,
            "/docs/*",
        ] {
            table.add(path, vec![Method::GET]);
        }
        let scopes = Arc::new(crate::auth::scopes::ScopeTable::from_spec(&spec));
        let secret = match &config.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            None => {
                tracing::warn!(
                    "JWT_SECRET is not set: a random key is used, tokens end with this process"
                );
                secrets::new_secret().into_bytes()
            }
        };
        let jwt = Arc::new(JwtKeys::new(
            &secret,
            chrono::Duration::minutes(config.access_token_minutes),
        ));
        tokio::task::spawn_blocking(passwords::warm_up).await?;
        let metrics = Arc::new(Metrics::new(&spec)?);
        let outbox = OutboxWorker::spawn(
            pool.clone(),
            clock.clone(),
            &config.mail,
            metrics.heartbeat("outbox"),
        )?;
        let state = AppState {
            pool,
            clock,
            config: config.clone(),
            jwt,
            lifetimes: Lifetimes::default(),
            throttle: ThrottlePolicy::default(),
            files: Arc::new(FileStore::from_config(&config.files).with_context(|| {
                format!("cannot open the file store {:?}", config.files.storage)
            })?),
            payfip: match &config.payments {
                crate::config::Payments::PayFip(settings) => {
                    Some(crate::adapters::payfip::PayFipClient::new(&settings.url)?)
                }
                _ => None,
            },
            api_particulier: config
                .api_particulier
                .as_ref()
                .map(|s| {
                    crate::adapters::api_particulier::ApiParticulierClient::new(
                        &s.url,
                        &s.token,
                        &s.recipient,
                    )
                })
                .transpose()?,
            calendar: Arc::default(),
            catalog: Arc::default(),
            custody: Arc::default(),
            providers: Arc::new(
                crate::usecases::accounts::providers::IdentityProviders::from_config(
                    &config.sign_in,
                )?,
            ),
            scopes,
            push: Arc::new(crate::adapters::push::Channels::from_config(&config.push)?),
            metrics,
            lifecycle: Arc::default(),
        };
        let data = web::Data::new(state.clone());
        let metrics_server = match &config.operations.metrics_bind_addr {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .with_context(|| format!("cannot listen on METRICS_BIND_ADDR={addr}"))?;
                let port = listener.local_addr()?.port();
                Some((metrics::serve_privately(listener, state.clone())?, port))
            }
            None => None,
        };
        if config.operations.metrics_token.is_some() {
            table.add(METRICS_PATH, vec![Method::GET]);
        }
        let table = web::Data::new(table);

        let (workers, shutdown) = (state.config.workers, state.config.shutdown_timeout);
        let server = crate::server::serve(listener, workers, shutdown, move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.app_data(data.clone())
                .app_data(rendered.clone())
                .app_data(table.clone())
                .app_data(json_config(config.max_json_body_bytes))
                .app_data(web::PayloadConfig::new(
                    config
                        .files
                        .upload_max_bytes
                        .max(config.files.import_max_bytes),
                ))
                .app_data(form_config())
                .app_data(path_config())
                .app_data(query_config())
                .configure(docs::configure)
                .configure(|cfg| {
                    if config.operations.metrics_token.is_some() {
                        cfg.route(METRICS_PATH, web::get().to(metrics::scrape_with_token));
                    }
                })
                .default_service(web::to(unmatched_route))
                .wrap(from_fn(request_gate))
                .wrap(cors(&config.cors_allowed_origins))
                .wrap(from_fn(problems))
                .wrap(security_headers())
                .wrap(from_fn(compress))
                .wrap(from_fn(metrics::record))
                .wrap(from_fn(shutdown::close_when_draining))
                .wrap(from_fn(request_id))
        })?;
        Ok(Self {
            server,
            port,
            state,
            outbox,
            metrics_server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of `METRICS_BIND_ADDR`, when metrics have an address of their own.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn outbox_stopper(&self) -> crate::adapters::email::WorkerStopper {
        self.outbox.stopper()
    }

    /// A handle to stop the server at once, without the drain (tests; SIGTERM, SIGINT
    /// and [`shutdown::Lifecycle::stop`] drain first, see [`shutdown`]).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (see [`shutdown`]), then stops the outbox worker after its
    /// current round.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self {
            server,
            mut outbox,
            state,
            metrics_server,
            ..
        } = self;
        let metrics_server = metrics_server.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let stopper = {
            let handle = server.handle();
            let (lifecycle, drain) = (state.lifecycle.clone(), state.config.shutdown_drain);
            tokio::spawn(async move { lifecycle.stop_on_signal(drain, handle).await })
        };
        let jobs = [
            tokio::spawn(crate::usecases::billing::payments::recheck_every(
                state.clone(),
            )),
            tokio::spawn(crate::adapters::webhook_delivery::deliver_every(
                state.clone(),
            )),
            tokio::spawn(crate::jobs::release_holds_every(state.clone())),
            tokio::spawn(crate::adapters::push::push_every(state.clone())),
            tokio::spawn(crate::jobs::remind_every(state)),
        ];
        let result = server.await;
        stopper.abort();
        for job in jobs {
            job.abort();
        }
        if let Some(metrics) = metrics_server {
            metrics.stop(true).await;
        }
        tokio::task::spawn_blocking(move || outbox.stop())
            .await
            .ok();
        result
    }
}

/// Browsers may call the API only from the configured origins; others get no CORS
/// headers (the browser then blocks them), never a wildcard.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-request-id"),
        ])
        .block_on_origin_mismatch(false)
        .max_age(3600)
}
