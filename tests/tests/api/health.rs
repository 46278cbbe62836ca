use reqwest::StatusCode;

use tests::{json, problem, spawn_app};

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
