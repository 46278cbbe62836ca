//! Importing the city's existing dossiers from CSV: upload (the dry run), read the
//! report, confirm.

use crate::usecases::dossiers::imports::DossierImport;
use crate::usecases::utc;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::dossiers::ImportStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Staff;
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldProblem, Lang, row_error, unsupported_media_type};
use crate::routes::dossiers::documents::check_file;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::DossierRefusal;
use crate::usecases::dossiers::imports::{self, ReportOutcome, ReportRow};

api_enum! {
    /// Where a CSV import of dossiers stands.
    pub enum DossierImportStatusView {
        /// Checked (the dry run): nothing imported yet.
        Checked = "checked",
        /// Confirmed: what the dry run planned was created.
        Imported = "imported",
    }
}

/// A CSV import of dossiers: its dry run's summary, and whether it was confirmed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierImportView {
    /// The import's id.
    pub id: i64,
    /// Checked only, or imported.
    pub status: DossierImportStatusView,
    /// The name the file was uploaded under (`import.csv` when none was given).
    #[schema(example = "dossiers-2026.csv")]
    pub file_name: String,
    /// Data rows (the header excluded).
    pub rows_total: i64,
    /// Data rows rejected, each with its reasons in the report.
    pub rows_rejected: i64,
    /// What confirming creates.
    pub dossiers_planned: i64,
    /// The children confirming creates.
    pub children_planned: i64,
    /// When the file was checked (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When the import was confirmed (RFC 3339, UTC); null while it is not.
    pub imported_at: Option<DateTime<Utc>>,
}

impl From<&DossierImport> for DossierImportView {
    fn from(i: &DossierImport) -> Self {
        Self {
            id: i.id,
            status: match i.status {
                ImportStatus::Imported => DossierImportStatusView::Imported,
                ImportStatus::Checked => DossierImportStatusView::Checked,
            },
            file_name: i.file_name.clone(),
            rows_total: i.rows_total,
            rows_rejected: i.rows_rejected,
            dossiers_planned: i.dossiers_planned,
            children_planned: i.children_planned,
            created_at: utc(i.created_at),
            imported_at: i.imported_at.map(utc),
        }
    }
}

mirror_enum! {
    /// What confirming the import does with a row.
    RowOutcomeView => ReportOutcome {
        /// Creates the dossier (and the row's child, if any).
        CreatesDossier = "creates_dossier",
        /// Adds a child to the dossier of an earlier row.
        AddsChild = "adds_child",
        /// Repeats an earlier row's dossier, adding nothing.
        Repeats = "repeats",
        /// Rejected: nothing is created from it (see `errors`).
        Rejected = "rejected",
    }
}

/// One data row of an import's report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierImportRowView {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The row's `numero_dossier`.
    #[schema(example = "18")]
    pub dossier_number: String,
    /// What confirming does with the row.
    pub outcome: RowOutcomeView,
    /// Why the row is rejected: the column (`field`), a code and a message.
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UploadName {
    /// The file's name, kept to recognise the import.
    #[param(max_length = 200)]
    pub file_name: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RowFilter {
    /// Only the rejected rows.
    pub rejected_only: Option<bool>,
}

/// A family of two children (the contract test checks the server accepts it).
const IMPORT_EXAMPLE: &str = "numero_dossier;nom_dossier;courriel;code_postal;ville;responsable_prenom;\
    responsable_nom;responsable_lien;enfant_prenom;enfant_naissance;enfant_niveau;enfant_regime\n\
    4217;MARTIN;famille.martin@exemple.fr;94800;Villejuif;Inès;MARTIN;mere;Léa;2019-11-20;CP;standard\n\
    4217;;;;;;;;Noé;03/05/2022;PS;vegetarien\n";

/// Checks a CSV of dossiers (the dry run).
///
/// One row per child, `;` or `,` separated, UTF-8, first line naming the columns:
/// `numero_dossier` and `nom_dossier` (required), `courriel`, `adresse`,
/// `complement_adresse`, `code_postal`, `ville`, `telephone`, `portable`,
/// `responsable_prenom`, `responsable_nom`, `responsable_lien` (mere, pere,
/// tuteur, autre), `responsable_courriel`, `responsable_portable`,
/// `enfant_prenom`, `enfant_nom` (the dossier's name if empty),
/// `enfant_naissance` (AAAA-MM-JJ or JJ/MM/AAAA), `enfant_niveau` (PS to CM2),
/// `enfant_ecole`, `enfant_regime` (standard, vegetarien, sans viande, panier
/// repas). A family with several children repeats its number on each row.
/// Nothing is imported until the import is confirmed.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "checkDossierImport",
    security(("bearerAuth" = [])),
    params(UploadName),
    request_body(description = "The CSV file.", content(("text/csv", example = json!(IMPORT_EXAMPLE)))),
    responses(
        (status = 201, description = "Checked; the report is at `/rows`.", body = DossierImportView,
            headers(("Location" = String, description = "The import's address."))),
        (status = 400, description = "An empty file, a file name over 200 characters, or a column the import does not know (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 422, description = "Not a readable UTF-8 CSV (`import_unreadable`)."),
    ),
)]
#[post("/admin/dossier-imports")]
pub async fn check_dossier_import(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
    name: web::Query<UploadName>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner().file_name;
    check_file(name.as_deref(), &body, state.config.files.import_max_bytes)?;
    let declared = crate::routes::headers::media_type(&req);
    if declared.as_deref() != Some("text/csv") {
        return Err(unsupported_media_type("text/csv"));
    }
    let file_name: String = name
        .unwrap_or_else(|| "import.csv".to_owned())
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let content = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::from(DossierRefusal::ImportUnreadable))?;
    crate::problem::refuse_nul("body", &content)?;
    let now = state.clock.now();
    let today = state.today();
    let actor = staff.0.account_id;
    let import = db::run(&state.pool, move |conn| {
        imports::check(conn, actor, &file_name, &content, now, today)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/dossier-imports/{}", import.id),
        ))
        .json(DossierImportView::from(&import)))
}

/// Reads an import's summary.
///
/// Rows read and rejected, dossiers and children it creates, and its status.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getDossierImport",
    security(("bearerAuth" = [])),
    params(("importId" = i64, Path, minimum = 1, description = "The import's id.")),
    responses(
        (status = 200, description = "The import.", body = DossierImportView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such import (`not_found`)."),
    ),
)]
#[get("/admin/dossier-imports/{importId}")]
pub async fn get_dossier_import(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let import = db::run(&state.pool, move |conn| imports::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(DossierImportView::from(&import)))
}

fn row_view(row: ReportRow, lang: Lang) -> DossierImportRowView {
    DossierImportRowView {
        line: row.line,
        dossier_number: row.dossier_number,
        outcome: row.outcome.into(),
        errors: row
            .errors
            .iter()
            .map(|(column, problem)| {
                let error = row_error(column, *problem);
                FieldProblem {
                    field: error.field,
                    code: error.code,
                    message: error.message.get(lang).to_owned(),
                }
            })
            .collect(),
    }
}

/// Reads the dry run's report, row by row.
///
/// What each row creates, or why it is rejected (column, code, message).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "listDossierImportRows",
    security(("bearerAuth" = [])),
    params(("importId" = i64, Path, minimum = 1, description = "The import's id."), PageQuery, RowFilter),
    responses(
        (status = 200, description = "A page of rows, in file order.", body = Page<DossierImportRowView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such import (`not_found`)."),
    ),
)]
#[get("/admin/dossier-imports/{importId}/rows")]
pub async fn list_dossier_import_rows(
    state: web::Data<AppState>,
    _staff: Staff,
    lang: Lang,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
    filter: web::Query<RowFilter>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let rejected_only = filter.rejected_only.unwrap_or(false);
    let id = id.into_inner();
    let (rows, total) = db::run(&state.pool, move |conn| {
        imports::rows(conn, id, rejected_only, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(|r| row_view(r, lang)).collect(),
        page,
        page_size,
        total,
    }))
}

/// Confirms an import: creates what the dry run planned.
///
/// In one transaction; refused if dossiers changed since the check (check the
/// file again) or if it was confirmed already.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "confirmDossierImport",
    security(("bearerAuth" = [])),
    params(("importId" = i64, Path, minimum = 1, description = "The import's id.")),
    responses(
        (status = 200, description = "Imported.", body = DossierImportView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such import (`not_found`)."),
        (status = 409, description = "Already confirmed (`import_already_confirmed`), or the dossiers changed since the check (`import_outdated`)."),
    ),
)]
#[post("/admin/dossier-imports/{importId}/confirm")]
pub async fn confirm_dossier_import(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let today = state.today();
    let import = db::run(&state.pool, move |conn| {
        imports::confirm(conn, id, now, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DossierImportView::from(&import)))
}
