//! Adapters to the outside world, apart from the use cases that call them: the
//! treasury's PayFiP service, API Particulier (quotients), OpenID Connect providers (FranceConnect, the city's), email, webhook delivery, the invoice PDF and the file store.

pub mod api_particulier;
pub(crate) mod certificate_pdf;
pub mod email;
pub(crate) mod invoice_pdf;
pub(crate) mod mandate_pdf;
pub mod oidc;
pub(crate) mod outbound;
pub mod payfip;
pub(crate) mod pdf_pages;
pub mod push;
pub mod sepa;
pub mod storage;
pub mod webhook_delivery;
