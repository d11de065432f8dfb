#pragma once
// The built-in test identity (a P-256 key and a self-signed certificate for "stutter.test",
// the server's identity in every run) as PEM text, for peers that need it in their own
// library's form (a plug-in's TLS layer). Test material, published with the source.

namespace stutter::tls {

const char* test_certificate_pem();
const char* test_private_key_pem();

}  // namespace stutter::tls
