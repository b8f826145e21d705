//! Following `@odata.nextLink` and `@odata.deltaLink`, as a consumer does, sans IO.

use msgraph::insights::Trending;
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
    let http = second.clone().into_http().expect("a request");
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
