//! Field rules checked with `validator`, reported as field errors next to each field.

use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use super::{ApiError, FieldError, Text};

/// Checks a request DTO; every broken rule becomes one entry of `errors`.
pub fn validate<T: Validate>(dto: &T) -> Result<(), ApiError> {
    dto.validate().map_err(|errors| {
        let mut fields = Vec::new();
        collect(&errors, "", &mut fields);
        ApiError::validation(fields)
    })
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let name = format!("{prefix}{}", camel_case(field));
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| field_error(&name, e)));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &format!("{name}."), out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{name}[{index}]."), out);
                }
            }
        }
    }
}

fn field_error(field: &str, error: &ValidationError) -> FieldError {
    let param = |key: &str| error.params.get(key).map(ToString::to_string);
    let message = match (error.code.as_ref(), param("min"), param("max")) {
        ("length", Some(min), Some(max)) => Text::new(
            format!("Doit contenir entre {min} et {max} caractères."),
            format!("Must be between {min} and {max} characters long."),
        ),
        ("length", None, Some(max)) => Text::new(
            format!("Doit contenir au plus {max} caractères."),
            format!("Must be at most {max} characters long."),
        ),
        ("length", Some(min), None) => Text::new(
            format!("Doit contenir au moins {min} caractères."),
            format!("Must be at least {min} characters long."),
        ),
        ("email", ..) => Text::new("Adresse e-mail invalide.", "Invalid email address."),
        ("range", ..) => Text::new("Valeur hors des limites permises.", "Value out of range."),
        _ => match &error.message {
            Some(message) => Text::new(message.clone(), message.clone()),
            None => Text::new("Valeur invalide.", "Invalid value."),
        },
    };
    FieldError {
        field: field.to_owned(),
        code: error.code.to_string(),
        message,
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_field_names_become_api_field_names() {
        assert_eq!(camel_case("password_confirmation"), "passwordConfirmation");
        assert_eq!(camel_case("email"), "email");
    }
}
