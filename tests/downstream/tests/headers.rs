//! Headers are set, not piled up: the last value of a name is the one sent.

#[test]
fn a_header_set_twice_is_sent_once_with_its_last_value() {
    let request = msgraph::me()
        .insights()
        .trending()
        .list()
        .header("ConsistencyLevel", "session")
        .header("consistencylevel", "eventual")
        .header("Prefer", "odata.maxpagesize=5");
    let sent = request.into_http().expect("a valid request");
    let values: Vec<&str> = sent
        .headers()
        .get_all("consistencylevel")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(values, ["eventual"]);
    assert_eq!(sent.headers()["prefer"], "odata.maxpagesize=5");
}
