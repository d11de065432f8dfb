#include "test_identity.hpp"

#include "stutter/tls/test_identity.hpp"

namespace stutter::tls::detail {

const char test_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgn7isaye9sRoWluTX\n"
    "61VQKhlt1CcLQ/w/YeaWWrjYbX6hRANCAAShCJHhr63q0ocrjwLejIXFWMkM6h7v\n"
    "6J3CYu45wT4CwbDPlsINq4mi9AM12qyS1tu5zr/pzEhzHj9gWJSyorTw\n"
    "-----END PRIVATE KEY-----\n";

const char test_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBnjCCAUSgAwIBAgIUOqhoFbI+M6/MnKHAAhnVYy7QB9AwCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMc3R1dHRlci50ZXN0MCAXDTI2MTEyODE2NDgzOFoYDzIxMjYx\n"
    "MTA0MTY0ODM4WjAXMRUwEwYDVQQDDAxzdHV0dGVyLnRlc3QwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAAShCJHhr63q0ocrjwLejIXFWMkM6h7v6J3CYu45wT4CwbDP\n"
    "lsINq4mi9AM12qyS1tu5zr/pzEhzHj9gWJSyorTwo2wwajAdBgNVHQ4EFgQULlKB\n"
    "2/luzWyp18hyavqg7HlnKVMwHwYDVR0jBBgwFoAULlKB2/luzWyp18hyavqg7Hln\n"
    "KVMwDwYDVR0TAQH/BAUwAwEB/zAXBgNVHREEEDAOggxzdHV0dGVyLnRlc3QwCgYI\n"
    "KoZIzj0EAwIDSAAwRQIhALhkd618kBe46MIj/WFyUHbYeMn0M4CYJGL53aGejKBP\n"
    "AiBugah069v5QXV1d68gRXKCgXxOZ87CbUzlk1NP8hzdMA==\n"
    "-----END CERTIFICATE-----\n";

}  // namespace stutter::tls::detail

namespace stutter::tls {

const char* test_certificate_pem() { return detail::test_cert_pem; }
const char* test_private_key_pem() { return detail::test_key_pem; }

}  // namespace stutter::tls
