//! Values in paths are encoded for where they stand: a key is the value itself, a value between
//! quotes is an OData string literal.

#[test]
fn a_key_is_sent_as_it_is_with_reserved_characters_encoded() {
    let cases = [
        ("o'neil@contoso.com", "/users/o%27neil@contoso.com"),
        // Graph reads a segment starting with `$` as a system segment (`$value`, `$ref`).
        ("$value", "/users/%24value"),
        ("a$b", "/users/a$b"),
        // A raw `+` is read as a space; `/`, `?`, `#` and `%` would end or change the path.
        ("a+b", "/users/a%2Bb"),
        ("a/b?c#d%e", "/users/a%2Fb%3Fc%23d%25e"),
        ("Zoë Tran", "/users/Zo%C3%AB%20Tran"),
    ];
    for (id, path) in cases {
        let request = msgraph::users().id(id).get();
        assert_eq!(request.path_and_query(), path, "{id}");
    }
}

#[test]
fn a_value_between_quotes_doubles_its_quotes() {
    assert_eq!(msgraph::runtime::string_literal("o'neil"), "o%27%27neil");
    assert_eq!(msgraph::runtime::string_literal("a+b c"), "a%2Bb%20c");
    assert_eq!(msgraph::runtime::key_segment("o'neil"), "o%27neil");
    assert_eq!(msgraph::runtime::segment_value("$x"), "$x");
}
