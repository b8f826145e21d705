//! Success answers as Graph writes them, read through the operations' types.

use msgraph::runtime::NoContent;

fn answer(status: u16, body: &str) -> http::Response<&str> {
    http::Response::builder()
        .status(status)
        .body(body)
        .expect("a response")
}

/// An operation documented without a body reads whatever the service sends: nothing, an
/// `@odata.context`, or a representation it was asked for.
#[test]
fn an_operation_without_a_documented_body_accepts_any_success_body() {
    let delete = msgraph::users().id("adele@contoso.com").delete();
    assert_eq!(
        delete.parse_response(&answer(204, "")).ok(),
        Some(NoContent)
    );
    let context =
        r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity"}"#;
    assert_eq!(
        delete.parse_response(&answer(200, context)).ok(),
        Some(NoContent)
    );
    let hide = msgraph::me()
        .insights()
        .trending()
        .id("1")
        .hide(Default::default());
    let representation = r#"{"id": "1", "weight": 2.5}"#;
    assert_eq!(
        hide.parse_response(&answer(200, representation)).ok(),
        Some(NoContent)
    );
    // An error is still an error.
    let error = r#"{"error": {"code": "itemNotFound", "message": "gone"}}"#;
    assert!(delete.parse_response(&answer(404, error)).is_err());
}
