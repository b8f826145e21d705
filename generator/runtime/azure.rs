//! Tokens from Azure Identity (cargo feature `azure-identity`): any `azure_core`
//! [`TokenCredential`] as the client's [`TokenProvider`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;

use super::{TokenFuture, TokenProvider, TokenRequest};

/// How long before it expires a cached token is replaced: a token is never sent with less
/// than this left, so a request never fails for a token that expired on the way.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// The client's token provider over an Azure Identity credential: developer tools (Azure CLI,
/// `azd`), a client secret or certificate, a managed identity, workload identity, or a
/// credential of your own.
///
/// ```ignore
/// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
/// let client = Client::new(AzureIdentity::new(credential))?;
/// ```
///
/// The client asks for the `.default` scope of its base URL's cloud
/// (`https://graph.microsoft.com/.default`, `https://graph.microsoft.us/.default`...). A token
/// is kept and sent again until [`REFRESH_BEFORE_EXPIRY`] before it expires, then a new one is
/// asked for. A continuous-access-evaluation claims challenge always gets a new token: the
/// `TokenCredential` of `azure_core` 1 takes no claims, so they cannot be passed on, but a
/// new token reflects the revocation or policy change that caused the challenge.
pub struct AzureIdentity {
    credential: Arc<dyn TokenCredential>,
    cached: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    scopes: Vec<String>,
    token: String,
    expires_on: OffsetDateTime,
}

impl AzureIdentity {
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        AzureIdentity { credential, cached: Mutex::new(None) }
    }

    fn cached(&self, scopes: &[String]) -> Option<String> {
        let cached = self.cached.lock().ok()?;
        let cached = cached.as_ref().filter(|c| c.scopes == scopes)?;
        let fresh_until = cached.expires_on - REFRESH_BEFORE_EXPIRY;
        (OffsetDateTime::now_utc() < fresh_until).then(|| cached.token.clone())
    }
}

impl std::fmt::Debug for AzureIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureIdentity").field("credential", &self.credential).finish_non_exhaustive()
    }
}

impl TokenProvider for AzureIdentity {
    fn token(&self) -> TokenFuture<'_> {
        let request = TokenRequest { scopes: vec![super::DEFAULT_SCOPE.to_owned()], claims: None };
        Box::pin(async move { self.token_for(&request).await })
    }

    fn token_for(&self, request: &TokenRequest) -> TokenFuture<'_> {
        let scopes = request.scopes.clone();
        let challenged = request.claims.is_some();
        Box::pin(async move {
            if !challenged {
                if let Some(token) = self.cached(&scopes) {
                    return Ok(token);
                }
            }
            let asked: Vec<&str> = scopes.iter().map(String::as_str).collect();
            let access = self.credential.get_token(&asked, None).await?;
            let token = access.token.secret().to_owned();
            if let Ok(mut cached) = self.cached.lock() {
                *cached = Some(CachedToken { scopes, token: token.clone(), expires_on: access.expires_on });
            }
            Ok(token)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;
    use crate::runtime::Error;
    use azure_core::credentials::{AccessToken, TokenRequestOptions};
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wiremock::matchers::{header, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A credential that hands out `token-1`, `token-2`... each valid for `lifetime`, and
    /// records the scopes it was asked for.
    #[derive(Debug)]
    struct Issuer {
        issued: AtomicUsize,
        lifetime: Duration,
        scopes: Mutex<Vec<Vec<String>>>,
    }

    impl Issuer {
        fn new(lifetime: Duration) -> Arc<Issuer> {
            Arc::new(Issuer { issued: AtomicUsize::new(0), lifetime, scopes: Mutex::new(Vec::new()) })
        }
    }

    // By hand, as `#[async_trait]` would write it: no macro crate for one test.
    impl TokenCredential for Issuer {
        fn get_token<'a, 'b, 'c, 'd, 'f>(
            &'a self,
            scopes: &'b [&'c str],
            _: Option<TokenRequestOptions<'d>>,
        ) -> Pin<Box<dyn Future<Output = azure_core::Result<AccessToken>> + Send + 'f>>
        where
            'a: 'f,
            'b: 'f,
            'c: 'f,
            'd: 'f,
            Self: 'f,
        {
            Box::pin(async move {
                self.scopes.lock().unwrap().push(scopes.iter().map(|s| (*s).to_owned()).collect());
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(AccessToken::new(format!("token-{n}"), OffsetDateTime::now_utc() + self.lifetime))
            })
        }
    }

    async fn client_of(server: &MockServer, issuer: &Arc<Issuer>) -> Client {
        let credential: Arc<dyn TokenCredential> = issuer.clone();
        Client::builder(AzureIdentity::new(credential)).base_url(format!("{}/v1.0", server.uri())).build().unwrap()
    }

    #[tokio::test]
    async fn a_token_is_reused_until_shortly_before_it_expires() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({}))).mount(&server).await;

        let long_lived = Issuer::new(Duration::from_secs(3600));
        let client = client_of(&server, &long_lived).await;
        for _ in 0..3 {
            let _: serde_json::Value = client.send(get("/me")).await.unwrap();
        }
        assert_eq!(long_lived.issued.load(Ordering::SeqCst), 1);
        let scope = format!("{}/.default", server.uri());
        assert_eq!(*long_lived.scopes.lock().unwrap(), [vec![scope]]);
        let received = server.received_requests().await.unwrap();
        assert!(received.iter().all(|r| r.headers["authorization"] == "Bearer token-1"));

        // A token within the refresh margin of its expiry is not sent again.
        let short_lived = Issuer::new(REFRESH_BEFORE_EXPIRY / 2);
        let client = client_of(&server, &short_lived).await;
        for _ in 0..2 {
            let _: serde_json::Value = client.send(get("/me")).await.unwrap();
        }
        assert_eq!(short_lived.issued.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_claims_challenge_gets_a_new_token_not_the_cached_one() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer token-1"))
            .respond_with(ResponseTemplate::new(401).insert_header(
                "WWW-Authenticate",
                r#"Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#,
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer token-2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "me"})))
            .mount(&server)
            .await;
        let issuer = Issuer::new(Duration::from_secs(3600));
        let me: Result<serde_json::Value, Error> = client_of(&server, &issuer).await.send(get("/me")).await;
        assert_eq!(me.unwrap()["id"], "me");
        assert_eq!(issuer.issued.load(Ordering::SeqCst), 2);
    }

    fn get<T>(path: &str) -> crate::runtime::Request<T> {
        crate::runtime::Request::new(http::Method::GET, path.to_owned(), http::StatusCode::OK)
    }
}
