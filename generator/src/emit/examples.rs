//! The pages' examples become tests of the generated crate: for each documented request and
//! response, a test calls the operation through its path with the example's path parameters
//! and query options and checks method and path, and round-trips the example bodies through
//! the operation's types. An example with both a request and a complete response is also
//! replayed (feature `client`): a local HTTP server checks what the client sends against the
//! request and answers the documented response, and the test checks the typed result.
//!
//! Each example is first checked here, against the model, the way serde will read it (value
//! kinds, integer ranges, date and GUID formats). An example that cannot be tested (truncated,
//! not JSON, a path that matches no documented path) or that contradicts its own page (a value
//! of the wrong kind) is not emitted as a test; it is listed in the test module's documentation
//! with the reason, and counted.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ident::{ident, snake_name, Names};
use super::operations::documented_type;
use super::text::{type_text, Expr, Stmt};
use super::types::reference;
use super::Naming;
use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::model::{
    ApiModel, Example, Media, Operation, OperationPath, Primitive, ResolvedType, Source, TypeRef,
};

/// What happened to the examples of a module.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExampleReport {
    pub counts: ExampleCounts,
    pub diagnostics: Vec<Diagnostic>,
}

/// Example figures: how many checks became tests, what was left out and why, and of the
/// JSON bodies, how many fit their documented types.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExampleCounts {
    /// Example bodies (requests and responses) and request lines that became test assertions.
    pub tested: usize,
    /// Examples (or example bodies) left out, by reason.
    pub excluded: BTreeMap<&'static str, usize>,
    pub request_bodies: BodyCounts,
    pub response_bodies: BodyCounts,
    /// Examples replayed over HTTP.
    pub replayed: usize,
    /// Examples with a testable request that are not replayed, by reason.
    pub not_replayed: BTreeMap<&'static str, usize>,
}

/// Complete JSON bodies (readable, not truncated) of one direction.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BodyCounts {
    /// Fit the documented type: round-trip tests.
    pub fitting: usize,
    /// Fit it once values of the wrong form (placeholders, a date for a date and time) are
    /// replaced: round-trip tests of the replaced body, listed.
    pub repaired: usize,
    /// Contradict the documented type: reported and excluded.
    pub contradicting: usize,
}

impl ExampleReport {
    pub fn merge(&mut self, other: ExampleReport) {
        let counts = &mut self.counts;
        counts.tested += other.counts.tested;
        counts.replayed += other.counts.replayed;
        for (reason, count) in other.counts.excluded {
            *counts.excluded.entry(reason).or_default() += count;
        }
        for (reason, count) in other.counts.not_replayed {
            *counts.not_replayed.entry(reason).or_default() += count;
        }
        for (mine, theirs) in [
            (&mut counts.request_bodies, other.counts.request_bodies),
            (&mut counts.response_bodies, other.counts.response_bodies),
        ] {
            mine.fitting += theirs.fitting;
            mine.repaired += theirs.repaired;
            mine.contradicting += theirs.contradicting;
        }
        self.diagnostics.extend(other.diagnostics);
    }
}

/// Why an example, or one of its bodies, is not tested.
mod reason {
    pub const NO_PATH: &str = "request path matches no documented path";
    pub const METHOD: &str = "request method differs from the operation's";
    pub const PARAMETER: &str = "path parameter is not a value of its type";
    pub const TRUNCATED: &str = "body is truncated";
    pub const NOT_JSON: &str = "body is not readable JSON";
    pub const NO_BODY_TYPE: &str = "operation documents no body type";
    pub const MISMATCH: &str = "body contradicts the documented type";
    pub const NOT_SENT: &str = "the request body cannot be sent as documented";
    pub const NO_RESPONSE: &str = "no documented response";
    pub const RESPONSE_UNUSABLE: &str = "the response body is not testable";
    pub const EMPTY_RESPONSE: &str = "a success response without the documented body";
    pub const MEDIA_AS_JSON: &str = "a media response the example shows as JSON it cuts short";
    pub const SHARED_METHOD: &str =
        "the method it shares with another page documents another response type";
}

/// The example tests of one area's operations (each with its index in the model): a module
/// compiled with the area's feature, which every operation of the area and its types need.
pub fn emit_example_tests(
    model: &ApiModel,
    naming: &Naming,
    operations: &[(usize, &Operation)],
) -> (String, ExampleReport) {
    let mut report = ExampleReport::default();
    let mut tests = String::new();
    let mut excluded_lines = Vec::new();
    let mut consts: Vec<String> = Vec::new();
    let mut test_names = Names::new();
    for &(index, operation) in operations {
        for (number, example) in operation.examples.iter().enumerate() {
            // `self_` (an escaped keyword) makes `self_example_1`, not `self__example_1`.
            let stem = snake_name(&operation.name);
            let stem = stem.trim_end_matches('_');
            let name = test_names.claim(&format!("{stem}_example_{}", number + 1));
            let built = example_test(model, naming, index, operation, example, &name, &mut report);
            excluded_lines.extend(built.excluded);
            if built.body.is_empty() {
                continue;
            }
            // One comment line, whatever a page's path holds.
            let origin = built.origin.replace(['\n', '\r'], " ");
            consts.extend(built.consts);
            push_test(
                &mut tests,
                &format!("{origin}."),
                "#[test]\n",
                &format!("fn {}()", ident(&name)),
                &built.body,
            );
            if let Some(replay) = built.replay {
                consts.extend(built.replay_consts);
                push_test(
                    &mut tests,
                    &format!("{origin}, replayed over HTTP."),
                    "#[cfg(feature = \"client\")]\n    #[tokio::test]\n",
                    &format!("async fn {}()", ident(&format!("{name}_replay"))),
                    &replay,
                );
            }
        }
    }
    if tests.is_empty() && excluded_lines.is_empty() {
        return (String::new(), report);
    }
    let Some(&(_, first)) = operations.first() else {
        return (String::new(), report);
    };
    // The module's doc, gate, opening, consts and tests.
    let mut doc = vec![format!(
        "The examples of the `{}` area's pages, as tests.",
        first.area
    )];
    if !excluded_lines.is_empty() {
        doc.push(String::new());
        doc.push("Not tested as the pages show them:".to_owned());
        doc.extend(excluded_lines.iter().map(|line| format!("- {line}")));
    }
    let mut before = String::new();
    for line in doc {
        // One comment line each, whatever a page's text holds.
        let line = line.replace(['\n', '\r'], " ");
        before.push_str(if line.is_empty() { "///\n" } else { "/// " });
        if !line.is_empty() {
            before.push_str(&line);
            before.push('\n');
        }
    }
    if let Some(cfg) = naming.slices.operation_gate(first).cfg_text() {
        before.push_str(&cfg);
        before.push('\n');
    }
    before.push_str(&format!("mod {} {{\n", ident(&snake_name(&first.area))));
    for item in &consts {
        before.push_str("    ");
        before.push_str(item);
        before.push('\n');
    }
    before.push_str(&tests);
    before.push_str("}\n");
    (before, report)
}

/// A test function of the module, after a blank line: its doc line, attributes (each line
/// after the first indented), signature and statements.
fn push_test(out: &mut String, doc: &str, attributes: &str, signature: &str, body: &[Stmt]) {
    out.push_str("\n    /// ");
    out.push_str(doc);
    out.push_str("\n    ");
    out.push_str(attributes);
    out.push_str("    ");
    out.push_str(signature);
    out.push_str(" {\n");
    for statement in body {
        statement.push(out, 8);
    }
    out.push_str("    }\n");
}

/// A test's statements, the example bodies they share with the replay test, the replay test's
/// statements, and the lines listing what of the example was left out.
struct BuiltTest {
    body: Vec<Stmt>,
    /// `const` items, as text.
    consts: Vec<String>,
    /// `const` items only the replay test reads: emitted with it, if it is.
    replay_consts: Vec<String>,
    replay: Option<Vec<Stmt>>,
    excluded: Vec<String>,
    origin: String,
}

#[allow(clippy::too_many_arguments)]
fn example_test(
    model: &ApiModel,
    naming: &Naming,
    index: usize,
    operation: &Operation,
    example: &Example,
    test_name: &str,
    report: &mut ExampleReport,
) -> BuiltTest {
    let source = example
        .request
        .as_ref()
        .map(|r| &r.source)
        .or(example.response.as_ref().map(|r| &r.source))
        .cloned()
        .unwrap_or_default();
    let origin = format!("`{}` line {}", source.page, source.line);
    let mut built = BuiltTest {
        body: Vec::new(),
        consts: Vec::new(),
        replay_consts: Vec::new(),
        replay: None,
        excluded: Vec::new(),
        origin,
    };
    let body_const = |direction: &str| {
        ident(&format!("{test_name}_{direction}").to_ascii_uppercase()).to_string()
    };
    // What the replay test needs: the call, the request as the server expects it, and the
    // response it answers; or why there is none.
    let mut sent: Option<(Expr, String, Option<Expr>)> = None;
    // The media content types of the request and the answer, when the replay sends or serves
    // media rather than JSON.
    let mut request_media: Option<String> = None;
    let mut response_media: Option<String> = None;
    // An example that is no instance of the operation's paths is read by what it shows.
    let shown = Media {
        request: example.request.as_ref().is_some_and(|r| r.media.is_some()),
        response: example.response.as_ref().is_some_and(|r| r.media.is_some())
            && operation.paths.iter().any(|p| p.media.response),
    };
    let mut media = example
        .request
        .as_ref()
        .and_then(|r| matching_path(operation, &r.path))
        .and_then(|(path, _)| operation.paths.get(path))
        .map_or(shown, |p| p.media);
    if example.request.is_none() {
        // An answer alone: media when any path of the operation answers with media.
        media.response = operation.paths.iter().any(|p| p.media.response);
    }
    let mut provider = operation;
    let mut not_sent: Option<&'static str> = None;

    if let Some(request) = &example.request {
        let call = if !request.method.eq_ignore_ascii_case(&operation.method) {
            exclude(
                &mut built,
                report,
                reason::METHOD,
                format!(" (`{}`)", request.method),
                &request.source,
            );
            None
        } else {
            match matching_path(operation, &request.path) {
                None => {
                    exclude(
                        &mut built,
                        report,
                        reason::NO_PATH,
                        format!(" (`{}`)", request.path),
                        &request.source,
                    );
                    None
                }
                Some((path, values)) => {
                    match arguments(&operation.paths[path], &values, &request.query) {
                        Err(detail) => {
                            exclude(
                                &mut built,
                                report,
                                reason::PARAMETER,
                                detail,
                                &request.source,
                            );
                            None
                        }
                        Ok(arguments) => Some((path, arguments)),
                    }
                }
            }
        };
        // The body: checked against the body type, then round-tripped and passed to the call;
        // media is sent as the example writes it.
        if media.request {
            let content_type = request
                .media
                .as_ref()
                .map_or("application/octet-stream", |m| m.content_type.as_str());
            request_media = Some(content_type.to_owned());
        } else if let Some(error) = &request.body_error {
            exclude(
                &mut built,
                report,
                reason::NOT_JSON,
                format!(": {error}"),
                &request.source,
            );
            not_sent = Some(reason::NOT_SENT);
        }
        let mut sent_body = None;
        let mut media_const = None;
        let body_argument = match (&operation.body, &request.body) {
            _ if media.request => {
                let text = request.media.as_ref().map_or("", |m| m.text.as_str());
                let content_type = request_media.as_deref().unwrap_or_default();
                let name = body_const("request");
                // Used by the call alone: declared only if the call can be made.
                media_const = Some(const_item(&name, text));
                sent_body = Some(some(&name));
                Some(Some(Expr::call(
                    "crate::runtime::Content::new",
                    vec![
                        Expr::string(content_type),
                        Expr::atom(format!("{name}.as_bytes()")),
                    ],
                )))
            }
            (Some(body_type), Some(_)) if request.truncated => {
                exclude(
                    &mut built,
                    report,
                    reason::TRUNCATED,
                    String::new(),
                    &request.source,
                );
                not_sent = Some(reason::NOT_SENT);
                default_value(body_type)
            }
            (Some(body_type), Some(value)) => match fit(model, body_type, value) {
                Ok(fitted) => {
                    let ty = type_text(&reference(naming, body_type, false));
                    let json = pretty_json(&fitted.value);
                    let name = body_const("request");
                    built.consts.push(const_item(&name, &json));
                    built
                        .body
                        .push(Stmt::Let("request_body", Expr::atom(&name)));
                    built.body.push(Stmt::Expr(Expr::call(
                        format!("crate::runtime::testing::assert_round_trip::<{ty}>"),
                        vec![Expr::atom("request_body")],
                    )));
                    report.counts.tested += 1;
                    if fitted.repairs.is_empty() {
                        report.counts.request_bodies.fitting += 1;
                    } else {
                        report.counts.request_bodies.repaired += 1;
                        note_replacements(&mut built, report, operation, &request.source, &fitted);
                    }
                    sent_body = Some(some(&name));
                    Some(Some(Expr::call(
                        "crate::runtime::testing::from_json",
                        vec![Expr::atom(name)],
                    )))
                }
                Err(problem) => {
                    report.counts.request_bodies.contradicting += 1;
                    mismatch(report, operation, &request.source, &problem);
                    exclude(
                        &mut built,
                        report,
                        reason::MISMATCH,
                        format!(": {problem}"),
                        &request.source,
                    );
                    not_sent = Some(reason::NOT_SENT);
                    default_value(body_type)
                }
            },
            (Some(body_type), None) => default_value(body_type),
            (None, body) => {
                if body.is_some() {
                    not_sent = Some(reason::NOT_SENT);
                }
                Some(None)
            }
        };
        // The method that serves the example may be an identical operation of another page.
        if let Some(endpoint) = call
            .as_ref()
            .and_then(|(path, _)| naming.paths.endpoints.get(&(index, *path)))
        {
            provider = model
                .operations
                .get(endpoint.emitted_as.0)
                .unwrap_or(operation);
        }
        // A call needs a body value; types without a default cannot stand in for a missing one.
        let call = call
            .zip(body_argument)
            .map(|((path, mut arguments), body)| {
                arguments.extend(body);
                (path, arguments)
            })
            .and_then(|(path, arguments)| naming.paths.call(&model.paths, index, path, &arguments));
        if let Some(call) = call {
            built.consts.extend(media_const);
            // Values as the example wrote them on the wire, decoded: `query_param` encodes.
            let query = request.query.iter().map(|(name, value)| {
                let value = percent_decode(value.as_deref().unwrap_or_default());
                Expr::call(
                    "query_param",
                    vec![Expr::string(name), Expr::string(&value)],
                )
            });
            let method = operation.method.to_ascii_uppercase();
            let target = target_of(&request.path, &request.query);
            let call = match call {
                Expr::Chain(receiver, mut calls) => {
                    calls.extend(query);
                    Expr::Chain(receiver, calls)
                }
                single => {
                    let calls: Vec<Expr> = query.collect();
                    if calls.is_empty() {
                        single
                    } else {
                        Expr::Chain(Box::new(single), calls)
                    }
                }
            };
            built.body.push(Stmt::Let("request", call.clone()));
            built.body.push(Stmt::Expr(Expr::call(
                "crate::runtime::testing::assert_request",
                vec![
                    Expr::atom("&request"),
                    Expr::string(&method),
                    Expr::string(&target),
                ],
            )));
            report.counts.tested += 1;
            sent = Some((call, target, sent_body));
        }
    }

    let mut answered: Option<(u16, Expr)> = None;
    let mut not_answered = reason::NO_RESPONSE;
    if let Some(response) = example.response.as_ref().filter(|_| media.response) {
        // Media: a redirect to the download, or the bytes the example shows, as it shows them.
        not_answered = reason::RESPONSE_UNUSABLE;
        if !(200..300).contains(&response.status) {
            // A redirect (the replay serves the download it leads to), or an error.
            answered = Some((response.status, Expr::atom("None")));
        } else if let Some(shown) = &response.media {
            let name = body_const("response");
            built.replay_consts.push(replay_const(&name, &shown.text));
            response_media = Some(shown.content_type.clone());
            answered = Some((response.status, some(&name)));
        } else if response.body.is_none() && response.body_error.is_none() {
            response_media = Some("application/octet-stream".to_owned());
            answered = Some((response.status, Expr::atom("None")));
        } else if let Some(value) = response.body.as_ref().filter(|_| !response.truncated) {
            // Content that is itself JSON (a `$value` holding a JSON file): served as the
            // media it is, with its content type.
            let name = body_const("response");
            built
                .replay_consts
                .push(replay_const(&name, &pretty_json(value)));
            response_media = Some("application/json".to_owned());
            answered = Some((response.status, some(&name)));
        } else {
            not_answered = reason::MEDIA_AS_JSON;
        }
    } else if let Some(response) = &example.response {
        not_answered = reason::RESPONSE_UNUSABLE;
        match (&operation.response, &response.body) {
            (documented, None) => {
                if let Some(error) = &response.body_error {
                    exclude(
                        &mut built,
                        report,
                        reason::NOT_JSON,
                        format!(": {error}"),
                        &response.source,
                    );
                } else if documented.is_some()
                    && response.status != 204
                    && (200..300).contains(&response.status)
                {
                    not_answered = reason::EMPTY_RESPONSE;
                } else if documented.is_none() && matches!(response.status, 200 | 201) {
                    // Documented without a body: the service may still send one (an
                    // `@odata.context`, a representation), which the call must accept.
                    let name = body_const("response");
                    let json = pretty_json(&serde_json::json!({
                        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#$entity"
                    }));
                    built.replay_consts.push(replay_const(&name, &json));
                    answered = Some((response.status, some(&name)));
                } else {
                    answered = Some((response.status, Expr::atom("None")));
                }
            }
            (_, Some(_)) if response.truncated => {
                exclude(
                    &mut built,
                    report,
                    reason::TRUNCATED,
                    String::new(),
                    &response.source,
                );
            }
            (None, Some(_)) => {
                exclude(
                    &mut built,
                    report,
                    reason::NO_BODY_TYPE,
                    String::new(),
                    &response.source,
                );
            }
            (Some(documented), Some(value)) => {
                let expected = response_value_type(documented);
                match fit(model, &expected, value) {
                    Ok(fitted) => {
                        // A body documented with a 204 still fits the type the page names.
                        let ty = type_text(&documented_type(naming, operation));
                        let json = pretty_json(&fitted.value);
                        let name = body_const("response");
                        built.consts.push(const_item(&name, &json));
                        built
                            .body
                            .push(Stmt::Let("response_body", Expr::atom(&name)));
                        built.body.push(Stmt::Expr(Expr::call(
                            format!("crate::runtime::testing::assert_round_trip::<{ty}>"),
                            vec![Expr::atom("response_body")],
                        )));
                        report.counts.tested += 1;
                        if fitted.repairs.is_empty() {
                            report.counts.response_bodies.fitting += 1;
                        } else {
                            report.counts.response_bodies.repaired += 1;
                            note_replacements(
                                &mut built,
                                report,
                                operation,
                                &response.source,
                                &fitted,
                            );
                        }
                        // A 204 carries no body on the wire, whatever the page shows.
                        let body = (response.status != 204).then(|| some(&name));
                        answered =
                            Some((response.status, body.unwrap_or_else(|| Expr::atom("None"))));
                    }
                    Err(problem) => {
                        report.counts.response_bodies.contradicting += 1;
                        mismatch(report, operation, &response.source, &problem);
                        exclude(
                            &mut built,
                            report,
                            reason::MISMATCH,
                            format!(": {problem}"),
                            &response.source,
                        );
                    }
                }
            }
        }
    }

    let Some((call, target, request_body)) = sent else {
        return built;
    };
    let why_not = not_sent
        .or(answered.is_none().then_some(not_answered))
        .or((provider.response != operation.response).then_some(reason::SHARED_METHOD));
    match (why_not, answered) {
        (None, Some((status, response_body))) => {
            let method = operation.method.to_ascii_uppercase();
            let request_body = request_body.unwrap_or_else(|| Expr::atom("None"));
            let exchange = Expr::Struct(
                "crate::runtime::testing::Exchange".to_owned(),
                vec![
                    ("method".to_owned(), Expr::string(&method)),
                    ("target".to_owned(), Expr::string(&target)),
                    ("request_body".to_owned(), request_body),
                    (
                        "request_media".to_owned(),
                        optional_str(request_media.as_deref()),
                    ),
                    ("status".to_owned(), Expr::atom(status.to_string())),
                    ("response_body".to_owned(), response_body),
                    (
                        "response_media".to_owned(),
                        optional_str(response_media.as_deref()),
                    ),
                ],
            );
            let replay = Expr::Chain(
                Box::new(Expr::call(
                    "crate::runtime::testing::replay",
                    vec![Expr::atom("request"), Expr::atom("exchange")],
                )),
                vec![Expr::atom("await")],
            );
            built.replay = Some(vec![
                Stmt::Let("request", call),
                Stmt::Let("exchange", exchange),
                Stmt::Expr(replay),
            ]);
            report.counts.replayed += 1;
        }
        (why_not, _) => {
            let why_not = why_not.unwrap_or(not_answered);
            *report.counts.not_replayed.entry(why_not).or_default() += 1;
            built
                .excluded
                .push(format!("{}: not replayed: {why_not}", built.origin));
        }
    }
    built
}

fn exclude(
    built: &mut BuiltTest,
    report: &mut ExampleReport,
    why: &'static str,
    detail: String,
    source: &Source,
) {
    *report.counts.excluded.entry(why).or_default() += 1;
    built.excluded.push(format!(
        "`{}` line {}: {why}{detail}",
        source.page, source.line
    ));
}

/// `Default::default()` for a body type that has a default (structs, collections, text, JSON).
fn default_value(ty: &ResolvedType) -> Option<Option<Expr>> {
    let has_default = ty.collection
        || match &ty.target {
            TypeRef::Complex(_) | TypeRef::Unresolved(_) => true,
            TypeRef::Enum(_) => false,
            TypeRef::Primitive(p) => !matches!(
                p,
                Primitive::DateTimeOffset | Primitive::Date | Primitive::TimeOfDay
            ),
        };
    has_default.then(|| Some(Expr::atom("::std::default::Default::default()")))
}

/// A documentation error the test works around: values of the example replaced by values of
/// their documented types.
fn note_replacements(
    built: &mut BuiltTest,
    report: &mut ExampleReport,
    operation: &Operation,
    source: &Source,
    fitted: &Fitted,
) {
    let repairs = fitted.repairs.join(", ");
    built.excluded.push(format!(
        "`{}` line {}: tested with values of their documented types: {repairs}",
        source.page, source.line
    ));
    report.diagnostics.push(Diagnostic::new(
        Severity::Warning,
        Code::ExampleMismatch,
        source.page.clone(),
        Location::at_line(source.line),
        format!(
            "example of `{}` contradicts its documented type ({}, line {}): {repairs}; it is tested with those values",
            operation.title, operation.source.page, operation.source.line
        ),
    ));
}

/// A documentation error: the example contradicts the type its page documents.
fn mismatch(report: &mut ExampleReport, operation: &Operation, source: &Source, problem: &str) {
    report.diagnostics.push(Diagnostic::new(
        Severity::Warning,
        Code::ExampleMismatch,
        source.page.clone(),
        Location::at_line(source.line),
        format!(
            "example of `{}` contradicts its documented type ({}, line {}): {problem}; the example is not tested",
            operation.title, operation.source.page, operation.source.line
        ),
    ));
}

/// How the JSON of a response is typed: collections through `value`, single primitives
/// wrapped as `{"value": ...}`.
fn response_value_type(documented: &ResolvedType) -> ResponseShape<'_> {
    match documented {
        ResolvedType {
            collection: true, ..
        } => ResponseShape::Wrapped(documented),
        ResolvedType {
            target: TypeRef::Primitive(p),
            ..
        } if *p != Primitive::Json => ResponseShape::Wrapped(documented),
        _ => ResponseShape::Plain(documented),
    }
}

enum ResponseShape<'a> {
    Plain(&'a ResolvedType),
    /// `{"value": <documented>}`.
    Wrapped(&'a ResolvedType),
}

trait Expected {
    fn check_value(&self, model: &ApiModel, value: &Value) -> Result<(), String>;
    /// Replaces the values whose form contradicts their type (see [`repair_primitive`]),
    /// listing each replacement.
    fn repair_value(&self, model: &ApiModel, value: &mut Value, repairs: &mut Vec<String>);
}

impl Expected for ResolvedType {
    fn check_value(&self, model: &ApiModel, value: &Value) -> Result<(), String> {
        check_type(model, self, value, 0)
    }

    fn repair_value(&self, model: &ApiModel, value: &mut Value, repairs: &mut Vec<String>) {
        repair_type(model, self, value, "", repairs, 0);
    }
}

impl Expected for ResponseShape<'_> {
    fn check_value(&self, model: &ApiModel, value: &Value) -> Result<(), String> {
        match self {
            ResponseShape::Plain(ty) => check_type(model, ty, value, 0),
            ResponseShape::Wrapped(ty) => match value.get("value") {
                Some(inner) => check_type(model, ty, inner, 0),
                None if value.is_object() => {
                    Err("no `value` in a collection or primitive response".to_owned())
                }
                None => Err(format!(
                    "expected an object with `value`, found {}",
                    kind(value)
                )),
            },
        }
    }

    fn repair_value(&self, model: &ApiModel, value: &mut Value, repairs: &mut Vec<String>) {
        match self {
            ResponseShape::Plain(ty) => repair_type(model, ty, value, "", repairs, 0),
            ResponseShape::Wrapped(ty) => {
                if let Some(inner) = value.get_mut("value") {
                    repair_type(model, ty, inner, "value", repairs, 0);
                }
            }
        }
    }
}

fn check(model: &ApiModel, expected: &impl Expected, value: &Value) -> Result<(), String> {
    expected.check_value(model, value)
}

/// An example body as it is tested: as the page shows it when it fits its type; else with the
/// values whose form contradicts their type replaced, when that is all that is wrong (a
/// placeholder such as `"datetime-value"`, a date where a date and time is documented); else
/// the contradiction.
struct Fitted {
    value: Value,
    /// Each replaced value: where, what the page shows, what is tested.
    repairs: Vec<String>,
}

fn fit(model: &ApiModel, expected: &impl Expected, value: &Value) -> Result<Fitted, String> {
    let problem = match check(model, expected, value) {
        Ok(()) => {
            return Ok(Fitted {
                value: value.clone(),
                repairs: Vec::new(),
            })
        }
        Err(problem) => problem,
    };
    let mut repaired = value.clone();
    let mut repairs = Vec::new();
    expected.repair_value(model, &mut repaired, &mut repairs);
    if repairs.is_empty() || check(model, expected, &repaired).is_err() {
        return Err(problem);
    }
    Ok(Fitted {
        value: repaired,
        repairs,
    })
}

/// [`check_type`]'s walk, replacing what [`repair_primitive`] can.
fn repair_type(
    model: &ApiModel,
    ty: &ResolvedType,
    value: &mut Value,
    at: &str,
    repairs: &mut Vec<String>,
    depth: usize,
) {
    if value.is_null() || depth > MAX_DEPTH {
        return;
    }
    if ty.collection {
        let element = ResolvedType {
            target: ty.target.clone(),
            collection: false,
        };
        if let Value::Array(items) = value {
            for (i, item) in items.iter_mut().enumerate() {
                repair_type(
                    model,
                    &element,
                    item,
                    &format!("{at}[{i}]"),
                    repairs,
                    depth + 1,
                );
            }
        }
        return;
    }
    match &ty.target {
        TypeRef::Primitive(p) => {
            if check_primitive(*p, value).is_err() {
                if let Some(replacement) = repair_primitive(*p, value) {
                    repairs.push(format!(
                        "`{at}`: `{}` read as `{}`",
                        short(value),
                        short(&replacement)
                    ));
                    *value = replacement;
                }
            }
        }
        TypeRef::Complex(key) => {
            let Value::Object(object) = value else {
                return;
            };
            let properties = model.all_properties(key);
            for (name, value) in object.iter_mut() {
                if let Some(property) = properties.iter().find(|p| p.name == *name) {
                    let at = if at.is_empty() {
                        name.clone()
                    } else {
                        format!("{at}.{name}")
                    };
                    repair_type(model, &property.ty, value, &at, repairs, depth + 1);
                }
            }
        }
        TypeRef::Enum(_) | TypeRef::Unresolved(_) => {}
    }
}

/// A valid value in place of a string whose form contradicts its primitive type: the same
/// value in the type's form where the page wrote it in another (`"false"` for a boolean, a
/// date for a date and time, a date and time for a date, spaces inside a time); a fixed
/// sample of the type where it wrote a placeholder (`"datetime-value"`, `"Boolean"`,
/// `"skuId-value"`); a placeholder's text base64-encoded where bytes are documented; a number
/// written as a string (`"100"`) as the number. Values of another kind (an object, a number
/// for a string) are not repaired.
fn repair_primitive(primitive: Primitive, value: &Value) -> Option<Value> {
    use base64::Engine;
    let text = value.as_str()?.trim();
    let repaired = match primitive {
        Primitive::Boolean => Value::Bool(text.eq_ignore_ascii_case("true")),
        Primitive::DateTimeOffset => {
            let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if is_date_time(&squeezed) {
                Value::String(squeezed)
            } else if let Ok(date) = text.parse::<chrono::NaiveDate>() {
                Value::String(format!("{date}T00:00:00Z"))
            } else {
                Value::String("2021-01-01T00:00:00Z".to_owned())
            }
        }
        Primitive::Date => {
            let date = text
                .get(..10)
                .and_then(|head| head.parse::<chrono::NaiveDate>().ok());
            Value::String(date.map_or_else(|| "2021-01-01".to_owned(), |d| d.to_string()))
        }
        Primitive::TimeOfDay => Value::String("00:00:00".to_owned()),
        Primitive::Byte
        | Primitive::SByte
        | Primitive::Int16
        | Primitive::Int32
        | Primitive::Int64 => {
            let number = Value::from(text.parse::<i64>().ok()?);
            check_primitive(primitive, &number).ok()?;
            number
        }
        Primitive::Single | Primitive::Double | Primitive::Decimal => {
            serde_json::Number::from_f64(text.parse::<f64>().ok()?).map(Value::Number)?
        }
        Primitive::Guid => Value::String(uuid::Uuid::nil().to_string()),
        Primitive::Binary | Primitive::Stream => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
        }
        _ => return None,
    };
    Some(repaired)
}

/// Deeper than this, serde_json itself refuses the document.
const MAX_DEPTH: usize = 120;

/// Whether serde will read `value` as `ty`: the checks mirror the generated types and the
/// runtime's primitive types.
fn check_type(
    model: &ApiModel,
    ty: &ResolvedType,
    value: &Value,
    depth: usize,
) -> Result<(), String> {
    if value.is_null() || depth > MAX_DEPTH {
        return Ok(());
    }
    if ty.collection {
        let Value::Array(items) = value else {
            return Err(format!("expected an array, found {}", kind(value)));
        };
        let element = ResolvedType {
            target: ty.target.clone(),
            collection: false,
        };
        return items
            .iter()
            .try_for_each(|item| check_type(model, &element, item, depth + 1));
    }
    match &ty.target {
        TypeRef::Primitive(p) => check_primitive(*p, value),
        TypeRef::Unresolved(_) => Ok(()),
        TypeRef::Enum(_) => match value {
            Value::String(_) => Ok(()),
            other => Err(format!(
                "expected an enum value (a string), found {}",
                kind(other)
            )),
        },
        TypeRef::Complex(key) => {
            let Value::Object(object) = value else {
                return Err(format!("expected an object, found {}", kind(value)));
            };
            if let Some(odata_type) = object.get("@odata.type") {
                if !odata_type.is_string() {
                    return Err("`@odata.type` is not a string".to_owned());
                }
            }
            let properties = model.all_properties(key);
            for (name, value) in object {
                let Some(property) = properties.iter().find(|p| p.name == *name) else {
                    continue;
                };
                check_type(model, &property.ty, value, depth + 1)
                    .map_err(|e| format!("`{name}`: {e}"))?;
            }
            Ok(())
        }
    }
}

fn check_primitive(primitive: Primitive, value: &Value) -> Result<(), String> {
    let text = || {
        value
            .as_str()
            .ok_or_else(|| format!("expected a string, found {}", kind(value)))
    };
    let ok = match primitive {
        Primitive::Json => true,
        Primitive::String | Primitive::Duration => text().is_ok(),
        Primitive::Boolean => value.is_boolean(),
        Primitive::Byte => value.as_u64().is_some_and(|n| n <= u64::from(u8::MAX)),
        Primitive::SByte => value.as_i64().is_some_and(|n| i8::try_from(n).is_ok()),
        Primitive::Int16 => value.as_i64().is_some_and(|n| i16::try_from(n).is_ok()),
        Primitive::Int32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Primitive::Int64 => value.as_i64().is_some(),
        Primitive::Single | Primitive::Double | Primitive::Decimal => value.is_number(),
        Primitive::DateTimeOffset => text().is_ok_and(is_date_time),
        Primitive::Date => text().is_ok_and(|t| t.parse::<chrono::NaiveDate>().is_ok()),
        Primitive::TimeOfDay => text().is_ok_and(|t| t.parse::<chrono::NaiveTime>().is_ok()),
        Primitive::Guid => text().is_ok_and(|t| uuid::Uuid::parse_str(t).is_ok()),
        Primitive::Binary | Primitive::Stream => text().is_ok_and(is_base64),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a valid {}",
            short(value),
            primitive.edm_name()
        ))
    }
}

/// What the runtime's `DateTimeOffset` accepts: RFC 3339, or the same without an offset.
fn is_date_time(text: &str) -> bool {
    let text = text.trim();
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
        || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

fn is_base64(text: &str) -> bool {
    use base64::Engine;
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .any(|engine| engine.decode(text.trim()).is_ok())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The JSON, pretty-printed, as a raw string literal (`r#"..."#` with enough `#`s).
/// `Some("text")` or `None`.
fn optional_str(text: Option<&str>) -> Expr {
    match text {
        Some(text) => Expr::call("::std::option::Option::Some", vec![Expr::string(text)]),
        None => Expr::atom("::std::option::Option::None"),
    }
}

/// `Some(NAME)`.
fn some(name: &str) -> Expr {
    Expr::call("Some", vec![Expr::atom(name)])
}

/// `const NAME: &str = r#"..."#;`, the text as a raw string literal (an escaped one when it
/// holds a carriage return, which a raw string cannot).
fn const_item(name: &str, text: &str) -> String {
    let literal = if text.contains('\r') {
        proc_macro2::Literal::string(text).to_string()
    } else {
        let mut hashes = String::from("#");
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        format!("r{hashes}\"{text}\"{hashes}")
    };
    format!("const {name}: &str = {literal};")
}

/// A const only the replay test reads (a body served but not round-tripped): compiled with
/// the replay, so that a build without the `client` feature has no unused const.
fn replay_const(name: &str, text: &str) -> String {
    format!(
        "#[cfg(feature = \"client\")]\n    {}",
        const_item(name, text)
    )
}

fn pretty_json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The path of the operation an example path is an instance of: the path's index, and the
/// example's value for each parameter.
fn matching_path(operation: &Operation, example_path: &str) -> Option<(usize, Vec<String>)> {
    operation
        .paths
        .iter()
        .enumerate()
        .find_map(|(index, path)| Some((index, path.template.instance_values(example_path)?)))
}

/// The arguments for a path's parameters (and the query placeholders it carries) from the
/// example's values.
fn arguments(
    path: &OperationPath,
    values: &[String],
    query: &[(String, Option<String>)],
) -> Result<Vec<Expr>, String> {
    let mut arguments = Vec::new();
    for (param, value) in path.params.iter().zip(values) {
        arguments.push(argument(&param.name, param.ty, &percent_decode(value))?);
    }
    for fixed in &path.query {
        if let crate::model::QueryValue::Param(param) = &fixed.value {
            let value = query
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&fixed.name))
                .and_then(|(_, value)| value.clone())
                .ok_or_else(|| format!(" (query parameter `{}` has no value)", fixed.name))?;
            arguments.push(argument(&param.name, param.ty, &percent_decode(&value))?);
        }
    }
    Ok(arguments)
}

/// One argument: text as a string literal, a typed value parsed at test time (checked here
/// first; a quoted value where the template has none is a string, not a value of the type).
fn argument(name: &str, ty: Primitive, value: &str) -> Result<Expr, String> {
    match ty {
        Primitive::String
        | Primitive::Json
        | Primitive::Duration
        | Primitive::Binary
        | Primitive::Stream => Ok(Expr::string(value)),
        ty => {
            check_primitive(ty, &typed_json(ty, value)).map_err(|e| format!(" (`{name}`: {e})"))?;
            let rust_type = super::operations::parameter_type(ty);
            Ok(Expr::call(
                format!("crate::runtime::testing::parse::<{rust_type}>"),
                vec![Expr::string(value)],
            ))
        }
    }
}

/// A path value as the JSON value that [`check_primitive`] expects for its type.
fn typed_json(ty: Primitive, text: &str) -> Value {
    match ty {
        Primitive::Boolean => text.parse::<bool>().map_or(Value::Null, Value::Bool),
        Primitive::Byte
        | Primitive::SByte
        | Primitive::Int16
        | Primitive::Int32
        | Primitive::Int64 => text
            .parse::<i64>()
            .map_or(Value::String(text.to_owned()), Value::from),
        Primitive::Single | Primitive::Double | Primitive::Decimal => text
            .parse::<f64>()
            .map_or(Value::String(text.to_owned()), Value::from),
        _ => Value::String(text.to_owned()),
    }
}

/// The request target the example wrote: path plus query, as the test compares it.
fn target_of(path: &str, query: &[(String, Option<String>)]) -> String {
    let mut target = path.to_owned();
    for (i, (name, value)) in query.iter().enumerate() {
        target.push(if i == 0 { '?' } else { '&' });
        target.push_str(name);
        if let Some(value) = value {
            target.push('=');
            target.push_str(value);
        }
    }
    target
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(template: &str) -> OperationPath {
        OperationPath::with_string_params(template)
    }

    #[test]
    fn example_paths_match_templates_and_yield_values() {
        let cases: Vec<(&str, &str, Option<Vec<&str>>)> = vec![
            (
                "/me/messages/{id}",
                "/me/messages/AAMk=",
                Some(vec!["AAMk="]),
            ),
            (
                "/users/{id | userPrincipalName}/messages",
                "/users/a@b.com/messages",
                Some(vec!["a@b.com"]),
            ),
            (
                "/me/insights/topTrending(count={count},since={since})",
                "/me/insights/topTrending(count=5,since=2021-06-01T00:00:00Z)",
                Some(vec!["5", "2021-06-01T00:00:00Z"]),
            ),
            (
                "/reports/getX(period='{period}')",
                "/reports/getX(period='D7')",
                Some(vec!["D7"]),
            ),
            ("/me/messages", "/me/events", None),
            ("/me/messages/{id}", "/me/messages", None),
            (
                "/me/drive/root:/{item-path}:/content",
                "/me/drive/root:/docs/hello.txt:/content",
                Some(vec!["docs/hello.txt"]),
            ),
            (
                "/me/drive/root:/{item-path}:/content",
                "/me/drive/root:/docs/my report:v2.txt:/content",
                Some(vec!["docs/my report:v2.txt"]),
            ),
            (
                "/me/drive/root:/{item-path}:/content",
                "/me/drive/root:/docs/hello.txt/content",
                None,
            ),
        ];
        for (template, example, expected) in cases {
            let expected = expected.map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(
                path(template).template.instance_values(example),
                expected,
                "{template} vs {example}"
            );
        }
    }

    #[test]
    fn primitives_are_checked_as_serde_reads_them() {
        use serde_json::json;
        let cases = [
            (Primitive::Int32, json!(5), true),
            (Primitive::Int32, json!(5_000_000_000_i64), false),
            (Primitive::Int32, json!("5"), false),
            (Primitive::Double, json!(5), true),
            (
                Primitive::DateTimeOffset,
                json!("2016-12-31T23:59:25.6718097+03:00"),
                true,
            ),
            (
                Primitive::DateTimeOffset,
                json!("2017-05-30T00:00:00"),
                true,
            ),
            (
                Primitive::DateTimeOffset,
                json!("String (timestamp)"),
                false,
            ),
            (
                Primitive::Guid,
                json!("f61710fa-10fa-f617-fa10-17f6fa1017f6"),
                true,
            ),
            (Primitive::Guid, json!("Id value"), false),
            (Primitive::TimeOfDay, json!("08:00:00.0000000"), true),
            (Primitive::Date, json!("2021-06-01"), true),
            (Primitive::Binary, json!("aGVsbG8="), true),
            (Primitive::Boolean, json!("true"), false),
            (Primitive::Json, json!({"a": [1]}), true),
        ];
        for (primitive, value, ok) in cases {
            assert_eq!(
                check_primitive(primitive, &value).is_ok(),
                ok,
                "{primitive:?} {value}"
            );
        }
    }

    #[test]
    fn values_of_the_wrong_form_are_replaced_by_values_of_their_types() {
        use serde_json::json;
        let cases = [
            (Primitive::Boolean, json!("false"), Some(json!(false))),
            (Primitive::Boolean, json!("Boolean"), Some(json!(false))),
            (
                Primitive::DateTimeOffset,
                json!("1974-07-22"),
                Some(json!("1974-07-22T00:00:00Z")),
            ),
            (
                Primitive::DateTimeOffset,
                json!("2018-10-04T01: 58: 45.340Z"),
                Some(json!("2018-10-04T01:58:45.340Z")),
            ),
            (
                Primitive::DateTimeOffset,
                json!("datetime-value"),
                Some(json!("2021-01-01T00:00:00Z")),
            ),
            (
                Primitive::Date,
                json!("2020-09-08T12:02:30.667Z"),
                Some(json!("2020-09-08")),
            ),
            (
                Primitive::Guid,
                json!("skuId-value"),
                Some(json!("00000000-0000-0000-0000-000000000000")),
            ),
            (Primitive::Binary, json!("Binary"), Some(json!("QmluYXJ5"))),
            (Primitive::Double, json!("100"), Some(json!(100.0))),
            (Primitive::Int32, json!("7"), Some(json!(7))),
            (Primitive::Int32, json!("5000000000"), None),
            (Primitive::String, json!(true), None),
            (Primitive::Boolean, json!({"a": 1}), None),
        ];
        for (primitive, value, expected) in cases {
            let repaired = repair_primitive(primitive, &value);
            assert_eq!(repaired, expected, "{primitive:?} {value}");
            if let Some(repaired) = repaired {
                assert!(check_primitive(primitive, &repaired).is_ok(), "{repaired}");
            }
        }
    }

    #[test]
    fn only_bodies_whose_values_alone_are_wrong_are_fitted() {
        use serde_json::json;
        let ty = |primitive, collection| ResolvedType {
            target: TypeRef::Primitive(primitive),
            collection,
        };
        let model = ApiModel::default();
        let dates = ty(Primitive::DateTimeOffset, true);
        let fitted = fit(
            &model,
            &dates,
            &json!(["2021-06-01T00:00:00Z", "datetime-value"]),
        )
        .expect("a placeholder is replaced");
        assert_eq!(
            fitted.value,
            json!(["2021-06-01T00:00:00Z", "2021-01-01T00:00:00Z"])
        );
        assert_eq!(fitted.repairs.len(), 1, "{:?}", fitted.repairs);
        let fitted = fit(&model, &dates, &json!([])).expect("fits");
        assert!(fitted.repairs.is_empty());
        assert!(fit(&model, &dates, &json!("datetime-value")).is_err());
        assert!(fit(&model, &ty(Primitive::String, false), &json!({"a": 1})).is_err());
    }
}
