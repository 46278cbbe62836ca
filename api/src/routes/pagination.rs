//! Pagination as the conventions say: `page` from 1, `pageSize` 50 by default, 200 at most.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::{ApiError, FieldError, Text};

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

impl PageQuery {
    /// The page and its size, or a field error.
    pub fn resolve(self) -> Result<(i64, i64), ApiError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(50);
        let mut errors = Vec::new();
        if !(1..=1_000_000).contains(&page) {
            errors.push(FieldError {
                field: "page".into(),
                code: "out_of_range".into(),
                message: Text::new("La page commence à 1.", "Pages start at 1."),
            });
        }
        if !(1..=200).contains(&size) {
            errors.push(FieldError {
                field: "pageSize".into(),
                code: "out_of_range".into(),
                message: Text::new(
                    "Entre 1 et 200 éléments par page.",
                    "Between 1 and 200 items per page.",
                ),
            });
        }
        if errors.is_empty() {
            Ok((i64::from(page), i64::from(size)))
        } else {
            Err(ApiError::validation(errors))
        }
    }
}

/// How many items come before `page`.
pub fn offset(page: i64, page_size: i64) -> i64 {
    (page - 1) * page_size
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T: ToSchema> {
    /// The items of this page, in the list's order.
    pub items: Vec<T>,
    /// This page's number, from 1.
    #[schema(minimum = 1, example = 1)]
    pub page: i64,
    /// The most items a page holds (the `pageSize` asked for, 50 by default).
    #[schema(minimum = 1, maximum = 200, example = 50)]
    pub page_size: i64,
    /// Items in the whole list.
    #[schema(minimum = 0, example = 1)]
    pub total: i64,
}
