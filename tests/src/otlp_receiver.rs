//! A local OTLP/HTTP receiver: a real HTTP server taking `POST /v1/traces` in the
//! protocol's protobuf encoding, as a collector does, and keeping every span decoded.

use std::sync::{Arc, Mutex};

use actix_web::{HttpResponse, web};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;

/// One span received, its ids in lowercase hex (`parent` empty for a root).
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    pub parent: String,
    /// 1 internal, 2 server, 3 client.
    pub kind: i32,
    pub service: Option<String>,
    pub attributes: Vec<(String, String)>,
}

impl ReceivedSpan {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
pub struct OtlpReceiver {
    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` is set to.
    pub endpoint: String,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    handle: actix_web::dev::ServerHandle,
}

impl OtlpReceiver {
    pub async fn start() -> Self {
        let spans = Arc::new(Mutex::new(Vec::new()));
        let data = web::Data::new(spans.clone());
        let (endpoint, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/v1/traces", web::post().to(receive));
        });
        Self {
            endpoint,
            spans,
            handle,
        }
    }

    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until a span matches `wanted`, and returns it.
    pub async fn wait_for(&self, wanted: impl Fn(&ReceivedSpan) -> bool) -> ReceivedSpan {
        for _ in 0..400 {
            if let Some(span) = self.spans().into_iter().find(&wanted) {
                return span;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no such span among {:#?}", self.spans());
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn receive(
    body: web::Bytes,
    spans: web::Data<Arc<Mutex<Vec<ReceivedSpan>>>>,
) -> HttpResponse {
    let Ok(request) = ExportTraceServiceRequest::decode(body.as_ref()) else {
        return HttpResponse::BadRequest().finish();
    };
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let text = |value: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>| match value
        .as_ref()
        .and_then(|v| v.value.as_ref())
    {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::DoubleValue(d)) => d.to_string(),
        _ => String::new(),
    };
    let mut received = spans.lock().unwrap();
    for resource in &request.resource_spans {
        let service = resource.resource.as_ref().and_then(|r| {
            r.attributes
                .iter()
                .find(|kv| kv.key == "service.name")
                .map(|kv| text(&kv.value))
        });
        for scope in &resource.scope_spans {
            for span in &scope.spans {
                received.push(ReceivedSpan {
                    name: span.name.clone(),
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent: hex(&span.parent_span_id),
                    kind: span.kind,
                    service: service.clone(),
                    attributes: span
                        .attributes
                        .iter()
                        .map(|kv| (kv.key.clone(), text(&kv.value)))
                        .collect(),
                });
            }
        }
    }
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .finish()
}
