use std::time::{Duration, Instant};

use reqwest::StatusCode;

use tests::{TestApp, TestAppBuilder, json, problem, spawn_app};

#[tokio::test]
async fn liveness_answers_without_touching_the_database() {
    let app = spawn_app().await;
    let body = json(app.get("/health/live").await, StatusCode::OK).await;
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn readiness_names_the_database_it_checked() {
    let app = spawn_app().await;
    let body = json(app.get("/health/ready").await, StatusCode::OK).await;
    let expected = if app.database.is_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "database": expected})
    );
}

#[tokio::test]
async fn readiness_answers_503_while_the_database_is_gone_and_recovers_without_restart() {
    let app = spawn_app().await;
    json(app.get("/health/ready").await, StatusCode::OK).await;

    app.database.take_offline();
    let response = app.get("/health/ready").await;
    assert_eq!(response.headers()["retry-after"], "5");
    problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    )
    .await;
    // Liveness does not depend on the database.
    json(app.get("/health/live").await, StatusCode::OK).await;

    app.database.bring_online();
    json(app.get("/health/ready").await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_data_endpoint_answers_503_while_the_database_is_gone() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        // An open SQLite connection keeps reading a moved file; only PostgreSQL loses it.
        return;
    }
    app.database.take_offline();
    problem(
        app.get("/api/v1/city").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    )
    .await;
    app.database.bring_online();
    json(app.get("/api/v1/city").await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_stopping_instance_turns_readiness_to_503_and_serves_on_until_the_drain_ends() {
    let drain = Duration::from_secs(2);
    let app = TestAppBuilder::default()
        .setting("SHUTDOWN_DRAIN_SECS", "2")
        .spawn()
        .await;
    json(app.get("/health/ready").await, StatusCode::OK).await;

    let stopped = Instant::now();
    app.state.lifecycle.stop();
    let response = loop {
        let response = app.get("/health/ready").await;
        if response.status() != StatusCode::OK {
            break response;
        }
        assert!(
            stopped.elapsed() < drain,
            "readiness still 200 after the stop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    problem(response, StatusCode::SERVICE_UNAVAILABLE, "shutting_down").await;
    // The instance still serves, and closes each connection after its answer.
    let response = app.get("/api/v1/city").await;
    assert_eq!(response.headers()["connection"], "close");
    json(response, StatusCode::OK).await;
    assert!(stopped.elapsed() < drain, "the checks took the whole drain");

    // Once drained, the listener closes.
    wait_until_closed(&app, stopped, drain + Duration::from_secs(10)).await;
    assert!(
        stopped.elapsed() >= drain,
        "the listener closed after {:?}, before the drain ended",
        stopped.elapsed()
    );
}

#[tokio::test]
async fn a_second_stop_signal_stops_at_once_without_waiting_for_the_drain() {
    let app = TestAppBuilder::default()
        .setting("SHUTDOWN_DRAIN_SECS", "60")
        .spawn()
        .await;
    let stopped = Instant::now();
    app.state.lifecycle.stop();
    while app.get("/health/ready").await.status() == StatusCode::OK {
        assert!(stopped.elapsed() < Duration::from_secs(5), "no drain began");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app.state.lifecycle.stop();
    // Well before the drain's 60 s.
    wait_until_closed(&app, stopped, Duration::from_secs(10)).await;
}

/// Waits until the app's address refuses connections, at most until `limit` after
/// `since`.
async fn wait_until_closed(app: &TestApp, since: Instant, limit: Duration) {
    let client = reqwest::Client::new();
    loop {
        match client
            .get(format!("{}/health/live", app.address))
            .send()
            .await
        {
            Err(error) if error.is_connect() => return,
            _ => {}
        }
        assert!(since.elapsed() < limit, "still listening after {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
