//! What agents and families read about a dossier value or an import row that breaks
//! its rule.

use domain::dossiers::FieldProblem;
use domain::dossiers::import::RowProblem;

use super::{FieldError, Text};

fn field_problem_message(problem: FieldProblem) -> Text {
    match problem {
        FieldProblem::Required => Text::new("Ce champ est obligatoire.", "This field is required."),
        FieldProblem::TooLong => Text::new("Ce texte est trop long.", "This text is too long."),
        FieldProblem::InvalidFormat => Text::new(
            "Ce format n'est pas reconnu.",
            "This format is not recognised.",
        ),
        FieldProblem::InFuture => Text::new(
            "Cette date ne peut pas être dans le futur.",
            "This date cannot be in the future.",
        ),
        FieldProblem::TooOld => Text::new(
            "Cette date est trop ancienne.",
            "This date is too far in the past.",
        ),
    }
}

/// The error to show next to `field`.
pub fn field_error(field: &str, problem: FieldProblem) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: problem.code().to_owned(),
        message: field_problem_message(problem),
    }
}

/// The error of one import row, named after its column.
pub fn row_error(column: &str, problem: RowProblem) -> FieldError {
    let message = match problem {
        RowProblem::Field(problem) => field_problem_message(problem),
        RowProblem::UnknownValue => Text::new(
            "Valeur inconnue pour cette colonne.",
            "Unknown value for this column.",
        ),
        RowProblem::DossierExists => Text::new(
            "La ville a déjà un dossier avec ce numéro.",
            "The city already holds a dossier with this number.",
        ),
        RowProblem::DossierConflict => Text::new(
            "Les colonnes du dossier diffèrent d'une ligne précédente du même dossier.",
            "The dossier's columns differ from an earlier row of the same dossier.",
        ),
        RowProblem::DossierRejected => Text::new(
            "Une ligne précédente de ce dossier est rejetée : le dossier ne sera pas créé.",
            "An earlier row of this dossier is rejected: the dossier will not be created.",
        ),
        RowProblem::DuplicateChild => Text::new(
            "Cet enfant figure déjà plus haut dans ce dossier.",
            "This child already appears earlier in this dossier.",
        ),
        RowProblem::WrongCellCount => Text::new(
            "Le nombre de cellules de la ligne diffère de celui de l'en-tête.",
            "The row does not have as many cells as the header.",
        ),
    };
    FieldError {
        field: column.to_owned(),
        code: problem.code().to_owned(),
        message,
    }
}
