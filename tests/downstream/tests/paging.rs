//! Following `@odata.nextLink` and `@odata.deltaLink`, as a consumer does, sans IO.

use msgraph::models::Trending;
use msgraph::runtime::Collection;

fn page(json: &str) -> Collection<Trending> {
    let response = http::Response::builder()
        .status(200)
        .body(json)
        .expect("a response");
    msgraph::me()
        .insights()
        .trending()
        .list()
        .parse_response(&response)
        .expect("a page")
}

#[test]
fn pages_follow_the_next_link_as_given_and_keep_the_headers() {
    let first = msgraph::me()
        .insights()
        .trending()
        .list()
        .top(1)
        .header("Prefer", "odata.maxpagesize=1");
    let next = "https://graph.microsoft.com/v1.0/me/insights/trending?%24top=1&%24skiptoken=a%2Bb";
    let one = page(&format!(
        r#"{{"value": [{{"id": "1"}}], "@odata.nextLink": "{next}"}}"#
    ));
    let second = first.next_page(&one).expect("a second page");
    assert_eq!(second.method(), http::Method::GET);
    assert_eq!(second.headers(), first.headers());
    // Opaque: not decoded, not rebuilt, the first request's `$top` not added again.
    assert_eq!(
        second.path_and_query(),
        "/v1.0/me/insights/trending?%24top=1&%24skiptoken=a%2Bb"
    );
    let http = second.to_http().expect("a request");
    assert_eq!(http.uri().to_string(), next);
    assert_eq!(http.headers()["Prefer"], "odata.maxpagesize=1");

    // The last page has no next link; a delta query's last page has a delta link instead.
    let last = page(
        r#"{"value": [{"id": "2"}], "@odata.deltaLink": "https://graph.microsoft.com/v1.0/me/insights/trending?$deltatoken=z"}"#,
    );
    assert!(second.next_page(&last).is_none());
    let round = second.next_delta_round(&last).expect("the next round");
    assert_eq!(
        round.into_http().expect("a request").uri(),
        "https://graph.microsoft.com/v1.0/me/insights/trending?$deltatoken=z"
    );
    assert!(first.next_delta_round(&one).is_none());
}

/// The next page of a `POST` that returns a collection (`getByIds`) is a `GET` of the link,
/// without the first request's body, with its headers.
#[test]
fn the_next_page_of_a_post_is_a_get_without_the_body() {
    let first: msgraph::runtime::Request<Collection<Trending>, serde_json::Value> =
        msgraph::runtime::Request::new(
            http::Method::POST,
            "/directoryObjects/getByIds".to_owned(),
            http::StatusCode::OK,
        )
        .with_body(serde_json::json!({"ids": ["1", "2"]}))
        .header("ConsistencyLevel", "eventual");
    let one = page(
        r#"{"value": [{"id": "1"}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/directoryObjects/getByIds?$skiptoken=x"}"#,
    );
    let second = first.next_page(&one).expect("a second page");
    let sent = second.to_http().expect("a request");
    assert_eq!(sent.method(), http::Method::GET);
    assert!(sent.body().is_empty());
    assert!(sent.headers().get("content-type").is_none());
    assert_eq!(sent.headers()["consistencylevel"], "eventual");
    // The first request is still there to read its own response with.
    assert_eq!(
        first.to_http().expect("a request").method(),
        http::Method::POST
    );
}

/// A throttled answer says how long to wait, and the request can be sent again as it was.
#[test]
fn a_throttled_answer_carries_its_retry_after() {
    let request = msgraph::me().insights().trending().list().top(5);
    let throttled = http::Response::builder()
        .status(429)
        .header("Retry-After", "7")
        .body(r#"{"error": {"code": "TooManyRequests", "message": "Slow down"}}"#)
        .expect("a response");
    let error = request.parse_response(&throttled).expect_err("throttled");
    assert!(error.is_throttled());
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
    let again = request.clone().into_http().expect("the same request again");
    assert_eq!(
        again.uri(),
        "https://graph.microsoft.com/v1.0/me/insights/trending?$top=5"
    );

    let unavailable = http::Response::builder()
        .status(503)
        .header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
        .body("Service Unavailable")
        .expect("a response");
    let error = request
        .parse_response(&unavailable)
        .expect_err("unavailable");
    assert!(error.is_throttled());
    // A date in the past: no wait left.
    assert_eq!(error.retry_after(), Some(std::time::Duration::ZERO));

    let missing = http::Response::builder()
        .status(404)
        .body(r#"{"error": {"code": "itemNotFound", "message": "No"}}"#)
        .expect("a response");
    let error = request.parse_response(&missing).expect_err("not found");
    assert!(!error.is_throttled());
    assert_eq!(error.retry_after(), None);
}
