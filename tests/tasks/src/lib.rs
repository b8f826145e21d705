//! What the task programs share: a local Graph that answers one request with a documented
//! body, and a client pointed at it.

use msgraph::client::{Client, StaticToken};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockServer, ResponseTemplate};

/// A server that accepts `POST {path}` (under `/v1.0`, with the token) when its body, sent as
/// `content_type`, matches `body`, answering `202 Accepted` without a body; and a client that
/// calls it.
pub async fn accept(
    path_under_version: &str,
    content_type: &str,
    body: impl Match + 'static,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1.0{path_under_version}")))
        .and(header("authorization", "Bearer task-token"))
        .and(header("content-type", content_type))
        .and(body)
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_of(&server);
    (server, client)
}

/// A server that answers `GET {path}` (under `/v1.0`, with the token) with `body`, and a client
/// that calls it.
pub async fn serve(path_under_version: &str, body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.0{path_under_version}")))
        .and(header("authorization", "Bearer task-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_of(&server);
    (server, client)
}

fn client_of(server: &MockServer) -> Client {
    Client::builder(StaticToken("task-token".to_owned()))
        .base_url(format!("{}/v1.0", server.uri()))
        .build()
        .expect("a client")
}
