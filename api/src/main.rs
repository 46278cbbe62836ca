//! `espace-familles`: runs the API (the default), applies migrations, or prints the
//! OpenAPI document.

use std::process::ExitCode;

use api::clock::Clock;
use api::config::Config;
use api::startup::{Application, prepare_database};
use api::{openapi, telemetry};

const USAGE: &str = "\
Usage: espace-familles [COMMAND]

Commands:
  serve             run the API (the default)
  migrate           apply the database migrations (and create the city if the database is empty), then exit
  backup PATH       write a consistent copy of the SQLite database to PATH while the API serves, then exit
  storage migrate --to URL
                    copy every stored file to the store at URL (file:///PATH, database: or
                    s3://BUCKET[/PREFIX]) and check each one's hash, then exit
  vapid-key         print a new key pair for Web Push (WEB_PUSH_VAPID_PRIVATE_KEY and its public key)
  purge             delete what the retention periods (RETENTION_*_DAYS) no longer allow to keep, then exit
  openapi [--json]  print the OpenAPI document (YAML, or JSON with --json)
  help              print this help

Configuration comes from environment variables (and a .env file); see .env.example.";

fn main() -> ExitCode {
    match dotenvy::dotenv() {
        Err(error) if !error.not_found() => {
            eprintln!("error: cannot read .env: {error}");
            return ExitCode::FAILURE;
        }
        _ => {}
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve(),
        ["migrate"] => migrate(),
        ["purge"] => purge(),
        ["vapid-key"] => {
            let (private, public) = api::adapters::push::web_push::new_key_pair();
            println!(
                "WEB_PUSH_VAPID_PRIVATE_KEY={private}\n# public key (applicationServerKey): {public}"
            );
            Ok(())
        }
        ["backup", path] => backup(path),
        ["storage", "migrate", "--to", url] => migrate_storage(url),
        ["openapi"] => print_openapi(false),
        ["openapi", "--json"] => print_openapi(true),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        ["--version" | "-V"] => {
            println!("espace-familles {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "fatal");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    // Kept to the end: dropping it sends the last spans.
    let _telemetry = telemetry::init(
        config.log_format,
        config.operations.otlp_endpoint.as_deref(),
    );
    let display_addr = config.bind_addr.replace("0.0.0.0", "127.0.0.1");
    let database = persistence::DatabaseUrl::parse(&config.database_url)?.redacted();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, Clock::system()).await?;
        let base = match display_addr.rsplit_once(':') {
            Some((host, _)) => format!("http://{host}:{}", app.port()),
            None => format!("http://{display_addr}"),
        };
        println!("Espace Familles is running on {database}");
        println!("  API:  {base}/api/v1");
        println!("  Docs: {base}/docs/");
        println!("  Spec: {base}/api/openapi.yaml");
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn migrate() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let _logs = telemetry::init(config.log_format, None);
    let (_, applied, _) = prepare_database(&config, &Clock::system())?;
    if applied.is_empty() {
        println!("The database is up to date.");
    }
    for migration in applied {
        println!("applied {migration}");
    }
    Ok(())
}

fn backup(path: &str) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let _logs = telemetry::init(config.log_format, None);
    api::commands::backup(&config, std::path::Path::new(path))?;
    println!("backup written to {path}");
    Ok(())
}

fn migrate_storage(url: &str) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let _logs = telemetry::init(config.log_format, None);
    let to = api::config::StorageLocation::parse(url)
        .map_err(|reason| anyhow::anyhow!("--to {url}: {reason}"))?;
    let done = api::commands::migrate_storage(&config, &to)?;
    println!(
        "{} files copied ({} bytes) and checked, {} already there",
        done.copied, done.bytes, done.already_there
    );
    Ok(())
}

fn purge() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let _logs = telemetry::init(config.log_format, None);
    let (pool, _, _) = prepare_database(&config, &Clock::system())?;
    let store = api::adapters::storage::FileStore::from_config(&config.files)?;
    let mut conn = pool.get()?;
    let purged = api::usecases::accounts::retention::purge(
        &mut conn,
        &store,
        &config.retention,
        Clock::system().now(),
    )?;
    println!(
        "purged: {} audit entries, {} decided requests ({} documents), {} imports, {} emails, {} pushes, {} sessions and links, {} events with their notifications, {} idempotent answers",
        purged.audit_entries,
        purged.decided_requests,
        purged.request_documents,
        purged.imports,
        purged.sent_emails,
        purged.sent_pushes,
        purged.ended_sessions_and_links,
        purged.events,
        purged.idempotent_answers
    );
    Ok(())
}

fn print_openapi(json: bool) -> anyhow::Result<()> {
    let spec = openapi::spec()?;
    let text = if json {
        openapi::to_json(&spec)?
    } else {
        openapi::to_yaml(&spec)
    };
    print!("{text}");
    Ok(())
}
