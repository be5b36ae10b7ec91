// The one HTTP request memscope-top makes: GET a path from HOST:PORT on a
// plain socket, with a deadline (the runtime's server closes after each
// response).
#pragma once
#include <string>

namespace memscope::top {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::string port;
};

// "HOST:PORT", ":PORT" or "PORT"; false when it is none of them.
bool parse_endpoint(const std::string &text, Endpoint &out);

// The body of a 200 response; otherwise false and `error` says why.
bool http_get(const Endpoint &at, const std::string &path, std::string &body,
              std::string &error, int timeout_ms = 2000);

} // namespace memscope::top
