#include "perimeter/aws/sigv4/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include "perimeter/base/text.h"

namespace perimeter::aws::sigv4 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xF]);
  }
  return out;
}

// SHA-256 through a digest fetched once and a context per thread: OpenSSL 3's one-shot SHA256() and
// HMAC() look the algorithm up on every call, which cost more than the hashing of a request.
class Sha256 {
 public:
  static constexpr size_t kBlockSize = 64;

  Sha256() {
    static EVP_MD* const kDigest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                 &EVP_MD_CTX_free);
    context_ = context.get();
    EVP_DigestInit_ex2(context_, kDigest, nullptr);
  }
  Sha256& Update(std::string_view data) {
    EVP_DigestUpdate(context_, data.data(), data.size());
    return *this;
  }
  std::string Final() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_, digest, &size);
    return std::string(reinterpret_cast<const char*>(digest), size);
  }

 private:
  EVP_MD_CTX* context_;
};

// HMAC-SHA256 (RFC 2104) over Sha256.
std::string Hmac(std::string_view key, std::string_view data) {
  std::string block =
      key.size() > Sha256::kBlockSize ? Sha256().Update(key).Final() : std::string(key);
  block.resize(Sha256::kBlockSize, '\0');
  std::string inner_pad = block, outer_pad = block;
  for (size_t i = 0; i < Sha256::kBlockSize; ++i) {
    inner_pad[i] = static_cast<char>(inner_pad[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(outer_pad[i] ^ 0x5c);
  }
  std::string inner = Sha256().Update(inner_pad).Update(data).Final();
  return Sha256().Update(outer_pad).Update(inner).Final();
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Trimall: leading and trailing blanks removed, inner runs of blanks collapsed to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 section 5.2.4 with empty segments dropped (AWS removes consecutive slashes), as the SDKs
// normalise the path before signing.
std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> output;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") {
      if (!output.empty()) output.pop_back();
    } else if (!part.empty() && part != ".") {
      output.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < output.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(output[i]);
  }
  if (path.back() == '/' && !output.empty()) out.push_back('/');
  return out;
}

struct ParsedAuthorization {
  std::string access_key_id;
  std::string date;
  std::string region;
  std::string service;
  std::string terminator;
  std::vector<std::string> signed_headers;
  std::string signature;
};

std::string Lower(std::string_view text) { return base::AsciiLower(text); }

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    parts.push_back(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

AuthError Incomplete(std::string message) {
  return AuthError{"IncompleteSignatureException", std::move(message)};
}
AuthError Invalid(std::string message) {
  return AuthError{"InvalidSignatureException", std::move(message)};
}

std::variant<ParsedAuthorization, AuthError> ParseAuthorization(std::string_view header) {
  header = Trim(header);
  if (!header.starts_with(kAlgorithm) || header.size() == kAlgorithm.size() ||
      (header[kAlgorithm.size()] != ' ')) {
    // AWS answers an unknown scheme like a missing parameter set.
    return Incomplete(base::Concat(
        "Authorization header requires 'Credential' parameter. Authorization header "
        "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
        "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
        "a 'Date' header. Authorization=",
        header));
  }
  std::string_view rest = header.substr(kAlgorithm.size() + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view part : Split(rest, ',')) {
    part = Trim(part);
    size_t equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = Trim(part.substr(0, equals));
    std::string_view value = Trim(part.substr(equals + 1));
    if (name == "Credential") credential = value;
    if (name == "SignedHeaders") signed_headers = value;
    if (name == "Signature") signature = value;
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) return Incomplete(base::Concat(missing, "Authorization=", header));

  ParsedAuthorization parsed;
  std::vector<std::string_view> scope = Split(*credential, '/');
  if (scope.size() != 5 || scope[0].empty()) {
    return Incomplete(base::Concat("Credential should be scoped to a valid region, not '",
                                   scope.size() >= 3 ? scope[2] : std::string_view(),
                                   "'. Authorization=", header));
  }
  parsed.access_key_id = std::string(scope[0]);
  parsed.date = std::string(scope[1]);
  parsed.region = std::string(scope[2]);
  parsed.service = std::string(scope[3]);
  parsed.terminator = std::string(scope[4]);
  for (std::string_view name : Split(*signed_headers, ';')) {
    if (!name.empty()) parsed.signed_headers.push_back(Lower(name));
  }
  parsed.signature = Lower(*signature);
  return parsed;
}

std::string CanonicalRequest(const HttpRequestView& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash) {
  std::string canonical;
  canonical.append(request.method).push_back('\n');
  canonical.append(CanonicalUri(request.raw_path)).push_back('\n');
  canonical.append(CanonicalQuery(request.raw_query)).push_back('\n');
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const std::string& name : names) {
    std::string value;
    bool first = true;
    for (const auto& [header_name, header_value] : request.headers) {
      if (!base::EqualsIgnoreAsciiCase(header_name, name)) continue;
      if (!first) value.push_back(',');
      value.append(TrimAll(header_value));
      first = false;
    }
    canonical.append(name).push_back(':');
    canonical.append(value).push_back('\n');
  }
  canonical.push_back('\n');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) canonical.push_back(';');
    canonical.append(names[i]);
  }
  canonical.push_back('\n');
  canonical.append(payload_hash);
  return canonical;
}

std::string Signature(std::string_view secret, std::string_view amz_date, std::string_view region,
                      std::string_view service, std::string_view canonical_request) {
  std::string_view date = amz_date.substr(0, 8);
  std::string scope = base::Concat(date, "/", region, "/", service, "/aws4_request");
  std::string string_to_sign =
      base::Concat(kAlgorithm, "\n", amz_date, "\n", scope, "\n", HexSha256(canonical_request));
  // The signing key depends only on the secret and the scope, which change once a day per client:
  // the last one is kept per thread.
  struct SigningKey {
    std::string secret, date, region, service, key;
  };
  thread_local SigningKey cached;
  if (cached.key.empty() || cached.secret != secret || cached.date != date ||
      cached.region != region || cached.service != service) {
    std::string key = Hmac(base::Concat("AWS4", secret), date);
    key = Hmac(key, region);
    key = Hmac(key, service);
    cached = SigningKey{std::string(secret), std::string(date), std::string(region),
                        std::string(service), Hmac(key, "aws4_request")};
  }
  std::string signature = Hmac(cached.key, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

// Compares a secret without revealing, by the time taken, where it differs.
bool SameSecret(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

const std::string* FindHeader(const HttpRequestView& request, std::string_view name) {
  for (const auto& [header_name, value] : request.headers) {
    if (base::EqualsIgnoreAsciiCase(header_name, name)) return &value;
  }
  return nullptr;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  return UriEncode(RemoveDotSegments(raw_path), true);
}

std::string CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (raw_query.empty()) return "";
  for (std::string_view pair : Split(raw_query, '&')) {
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    pairs.emplace_back(UriEncode(UriDecode(name), false), UriEncode(UriDecode(value), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out.append(name).push_back('=');
    out.append(value);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) { return Hmac(key, data); }

std::string HexSha256(std::string_view data) {
  std::string digest = Sha256().Update(data).Final();
  return Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

std::string AmzDate(base::UnixMillis time) {
  std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

std::optional<base::UnixMillis> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto number = [&](size_t at, size_t size) -> int {
    int value = 0;
    for (size_t i = at; i < at + size; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  int hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  return static_cast<base::UnixMillis>(timegm(&utc)) * 1000;
}

namespace {

// A request whose header passed every check but the signature.
struct Prepared {
  ParsedAuthorization authorization;
  Credential credential;
  std::string amz_date;
};

std::variant<Prepared, AuthError> Prepare(const HttpRequestView& request, std::string_view service,
                                          const CredentialLookup& lookup, base::UnixMillis now) {
  const std::string* authorization = FindHeader(request, "Authorization");
  if (authorization == nullptr) {
    return AuthError{"MissingAuthenticationTokenException", "Missing Authentication Token"};
  }
  auto parsed_or = ParseAuthorization(*authorization);
  if (auto* error = std::get_if<AuthError>(&parsed_or)) return *error;
  ParsedAuthorization& parsed = std::get<ParsedAuthorization>(parsed_or);

  const std::string* amz_date = FindHeader(request, "X-Amz-Date");
  if (amz_date == nullptr) {
    return Incomplete(
        base::Concat("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                     "header. Authorization=",
                     *authorization));
  }
  std::optional<base::UnixMillis> signed_at = ParseAmzDate(*amz_date);
  if (!signed_at) {
    return Incomplete(base::Concat("Date must be in ISO-8601 'basic format'. Got '", *amz_date,
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601"));
  }
  if (parsed.terminator != "aws4_request") {
    return Invalid(
        base::Concat("Credential should be scoped with a valid terminator: 'aws4_request', not '",
                     parsed.terminator, "'."));
  }
  if (parsed.service != service) {
    return Invalid(
        base::Concat("Credential should be scoped to correct service: '", service, "'. "));
  }
  if (parsed.region.empty()) {
    return Incomplete(base::Concat("Credential should be scoped to a valid region, not ''. "));
  }
  if (parsed.date != std::string_view(*amz_date).substr(0, 8)) {
    return Invalid(base::Concat(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
        "from HTTP: '",
        parsed.date, "' != '", std::string_view(*amz_date).substr(0, 8), "', from '", *amz_date,
        "'."));
  }
  if (std::find(parsed.signed_headers.begin(), parsed.signed_headers.end(), "host") ==
      parsed.signed_headers.end()) {
    return Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // Every x-amz-* header sent must be signed: X-Amz-Target selects the operation, X-Amz-Date the
  // signature's time, X-Amz-Security-Token the session; an unsigned one could be changed in
  // transit.
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (!lower.starts_with("x-amz-")) continue;
    if (std::find(parsed.signed_headers.begin(), parsed.signed_headers.end(), lower) ==
        parsed.signed_headers.end()) {
      return Invalid(
          base::Concat("'", name, "' must be a 'SignedHeader' in the AWS Authorization."));
    }
  }
  if (*signed_at < now - kMaxClockSkewMillis) {
    return Invalid(base::Concat("Signature expired: ", *amz_date, " is now earlier than ",
                                AmzDate(now - kMaxClockSkewMillis), " (", AmzDate(now),
                                " - 15 min.)"));
  }
  if (*signed_at > now + kMaxClockSkewMillis) {
    return Invalid(base::Concat("Signature not yet current: ", *amz_date, " is still later than ",
                                AmzDate(now + kMaxClockSkewMillis), " (", AmzDate(now),
                                " + 15 min.)"));
  }
  std::optional<Credential> credential = lookup(parsed.access_key_id);
  if (!credential) {
    return AuthError{"UnrecognizedClientException",
                     "The security token included in the request is invalid."};
  }
  // A long-term key never comes with a session token, a temporary one always with its own; AWS
  // answers a token it does not know this way.
  const std::string* token = FindHeader(request, "X-Amz-Security-Token");
  if (credential->session_token.empty()
          ? token != nullptr
          : token == nullptr || !SameSecret(*token, credential->session_token)) {
    return AuthError{"UnrecognizedClientException",
                     "The security token included in the request is invalid."};
  }
  return Prepared{std::move(parsed), std::move(*credential), *amz_date};
}

Caller CallerOf(const Prepared& prepared) {
  return Caller{.access_key_id = prepared.authorization.access_key_id,
                .account_id = prepared.credential.account_id,
                .principal_arn = prepared.credential.principal_arn,
                .region = prepared.authorization.region,
                .service = prepared.authorization.service};
}

}  // namespace

std::variant<Caller, AuthError> CheckHeaders(const HttpRequestView& request,
                                             std::string_view service,
                                             const CredentialLookup& lookup, base::UnixMillis now) {
  auto prepared = Prepare(request, service, lookup, now);
  if (auto* error = std::get_if<AuthError>(&prepared)) return *error;
  return CallerOf(std::get<Prepared>(prepared));
}

std::variant<Caller, AuthError> Verify(const HttpRequestView& request, std::string_view service,
                                       const CredentialLookup& lookup, base::UnixMillis now) {
  auto prepared_or = Prepare(request, service, lookup, now);
  if (auto* error = std::get_if<AuthError>(&prepared_or)) return *error;
  const Prepared& prepared = std::get<Prepared>(prepared_or);
  const ParsedAuthorization& parsed = prepared.authorization;
  // The body hash is the server's own: a client-sent X-Amz-Content-Sha256 is never trusted.
  std::string canonical = CanonicalRequest(request, parsed.signed_headers, HexSha256(request.body));
  std::string expected = Signature(prepared.credential.secret_access_key, prepared.amz_date,
                                   parsed.region, parsed.service, canonical);
  if (expected.size() != parsed.signature.size() ||
      CRYPTO_memcmp(expected.data(), parsed.signature.data(), expected.size()) != 0) {
    return Invalid(
        "The request signature we calculated does not match the signature you provided. Check your "
        "AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.");
  }
  return CallerOf(prepared);
}

void Sign(std::string_view method, std::string_view raw_path, std::string_view raw_query,
          std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
          const Credential& credential, std::string_view region, std::string_view service,
          base::UnixMillis now) {
  std::string amz_date = AmzDate(now);
  std::erase_if(headers, [](const auto& header) {
    return base::EqualsIgnoreAsciiCase(header.first, "X-Amz-Date") ||
           base::EqualsIgnoreAsciiCase(header.first, "Authorization");
  });
  headers.emplace_back("X-Amz-Date", amz_date);
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) names.push_back(Lower(name));
  HttpRequestView view{method, raw_path, raw_query, headers, body};
  std::string canonical = CanonicalRequest(view, names, HexSha256(body));
  std::string signature =
      Signature(credential.secret_access_key, amz_date, region, service, canonical);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const std::string& name : names) {
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers.append(name);
  }
  headers.emplace_back(
      "Authorization",
      base::Concat(kAlgorithm, " Credential=", credential.access_key_id, "/",
                   std::string_view(amz_date).substr(0, 8), "/", region, "/", service,
                   "/aws4_request, SignedHeaders=", signed_headers, ", Signature=", signature));
}

}  // namespace perimeter::aws::sigv4
