//! The table of booking and change deadlines families read (the guide's last page).

use actix_web::{FromRequest, HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Consented;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::planning::deadline_rules::Rule;
use crate::usecases::planning::deadline_table::{self, ActivityDeadlines, KindDeadlines};
use domain::planning::rule_sentence;

/// An activity kind's deadlines: a column of the guide's table.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KindDeadlinesView {
    /// The kind's id.
    #[schema(example = 1)]
    pub kind_id: i64,
    /// The kind's stable code.
    #[schema(example = "morning_care")]
    pub code: String,
    /// The kind's name.
    #[schema(example = "Accueil du matin")]
    pub label: String,
    /// Until when a day can be booked, as data.
    pub booking_rule: Rule,
    /// Until when a booked day can be changed or cancelled, as data.
    pub change_rule: Rule,
    /// The booking rule in the guide's words ("Délai de réservation").
    #[schema(example = "1 semaine avant le début de l'activité")]
    pub booking: String,
    /// The change rule in the guide's words ("Délai de modification").
    #[schema(example = "48 heures avant le début de l'activité")]
    pub change: String,
    /// The kind's activities, not ended yet, whose rules the city set otherwise.
    pub activities: Vec<ActivityDeadlinesView>,
}

/// An activity whose deadlines are not its kind's.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDeadlinesView {
    /// The activity's id.
    #[schema(example = 3)]
    pub activity_id: i64,
    /// The activity's name.
    #[schema(example = "Centre de loisirs été 2027")]
    pub name: String,
    /// Until when a day can be booked, as data.
    pub booking_rule: Rule,
    /// Until when a booked day can be changed or cancelled, as data.
    pub change_rule: Rule,
    /// The booking rule in the guide's words.
    #[schema(
        example = "Période définie par la Ville : du 03/05/2027 à 09:00 au 24/05/2027 à 18:00"
    )]
    pub booking: String,
    /// The change rule in the guide's words.
    #[schema(example = "1 mois avant le début de l'activité")]
    pub change: String,
}

impl From<&ActivityDeadlines> for ActivityDeadlinesView {
    fn from(a: &ActivityDeadlines) -> Self {
        Self {
            activity_id: a.activity.id,
            name: a.activity.name.clone(),
            booking_rule: Rule::from(&a.booking),
            change_rule: Rule::from(&a.change),
            booking: rule_sentence(&a.booking),
            change: rule_sentence(&a.change),
        }
    }
}

impl From<&KindDeadlines> for KindDeadlinesView {
    fn from(k: &KindDeadlines) -> Self {
        Self {
            kind_id: k.kind.id,
            code: k.kind.code.clone(),
            label: k.kind.label.clone(),
            booking_rule: Rule::from(&k.booking),
            change_rule: Rule::from(&k.change),
            booking: rule_sentence(&k.booking),
            change: rule_sentence(&k.change),
            activities: k
                .exceptions
                .iter()
                .map(ActivityDeadlinesView::from)
                .collect(),
        }
    }
}

/// Reads the table of booking and change deadlines.
///
/// The guide's last page ("Délais de réservation et de modification des activités"):
/// each activity kind with its booking and change rules, as data and in the guide's
/// words, and the activities not ended yet whose rules the city set otherwise. For
/// every signed-in account; for anyone when the city makes it public
/// (`DEADLINE_TABLE_PUBLIC`).
#[utoipa::path(
    tag = "planning",
    operation_id = "getDeadlineTable",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The kinds, in the catalogue's order.", body = Vec<KindDeadlinesView>),
        (status = 403, description = "Terms to accept first (`consent_required`)."),
    ),
)]
#[get("/deadline-rules")]
pub async fn get_deadline_table(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if !state.config.deadline_table_public {
        Consented::extract(&req).await?;
    }
    let today = state.today();
    let table = db::run(&state.pool, move |conn| deadline_table::table(conn, today)).await?;
    Ok(HttpResponse::Ok().json(
        table
            .iter()
            .map(KindDeadlinesView::from)
            .collect::<Vec<_>>(),
    ))
}
