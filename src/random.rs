//! Random bytes from the browser's cryptographic source (`crypto.getRandomValues`).

/// Sixteen random bytes, or `None` where the page has no cryptographic source.
pub fn bytes16() -> Option<[u8; 16]> {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    filled.then_some(bytes)
}
