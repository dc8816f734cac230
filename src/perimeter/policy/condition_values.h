// Condition values read the way IAM reads them for each operator family: numbers, dates, booleans,
// IP addresses and CIDR blocks, base64 binaries. Used on both sides of a comparison: policy values
// (parsed once, an unreadable one is reported) and request-context values (parsed per request, an
// unreadable one simply does not match). Nothing here throws or allocates except DecodeBase64.
//
// Source for every format: IAM User Guide, "IAM JSON policy elements: Condition operators".
#ifndef PERIMETER_POLICY_CONDITION_VALUES_H_
#define PERIMETER_POLICY_CONDITION_VALUES_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perimeter::policy {

// ---- Numbers ----------------------------------------------------------------------------------
// "Numeric condition operators let you construct Condition elements that restrict access based on
// comparing a key to an integer or decimal value." Accepted: optional sign, digits, optional '.'
// and digits ("10", "-3", "+2.50", ".5", "5."). Rejected: exponents ("1e3"), hex ("0x10"), "NaN",
// "Infinity", blanks: AWS documents integers and decimals only, and reporting the value is safer
// than guessing a reading. Values compare exactly (decimal digit strings, no floating point), so
// "10" == "10.0" == "+010" and 0.1 + 0.2 questions never arise.
struct DecimalNumber {
  bool negative = false;      // never true for zero
  std::string_view integer;   // digits without leading zeros; empty for 0
  std::string_view fraction;  // digits without trailing zeros; empty for an integer
};

// The returned views point into `text`.
std::optional<DecimalNumber> ParseNumber(std::string_view text);

std::strong_ordering CompareNumbers(const DecimalNumber& a, const DecimalNumber& b);

// ---- Dates ------------------------------------------------------------------------------------
// "You must specify date/time values with one of the W3C implementations of the ISO 8601 date
// formats or in epoch (UNIX) time." W3C NOTE-datetime forms accepted:
//   YYYY-MM   YYYY-MM-DD   YYYY-MM-DDThh:mmTZD   YYYY-MM-DDThh:mm:ssTZD   YYYY-MM-DDThh:mm:ss.sTZD
// with TZD = "Z" | "+hh:mm" | "-hh:mm" ('t'/'z' accepted in lower case too). A time without TZD is
// read as UTC (the note requires a TZD; AWS's own values always carry "Z", and UTC is the only
// reading that does not depend on the machine). Epoch time: an optional '-' and digits, optionally
// with a fraction ("1577836800", "1577836800.5"). A bare "YYYY" is therefore epoch seconds, not a
// year: the two readings collide and aws:EpochTime is the key that carries digit-only values.
// Fields are range-checked (month 1-12, day within the month incl. leap years, hour 0-23 or
// 24:00:00 exactly, minute 0-59, second 0-60 for a leap second, offset up to 23:59).
struct Timestamp {
  int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  int32_t nanos = 0;    // 0..999'999'999, added to seconds
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

std::optional<Timestamp> ParseDate(std::string_view text);

// ---- Booleans ---------------------------------------------------------------------------------
// "Boolean conditions let you construct Condition elements that restrict access based on comparing
// a key to "true" or "false"." JSON true/false reach us as the text "true"/"false".
// Case-insensitive
// ("True", "FALSE") because AWS does not document case and services emit lower case; anything else
// is not a boolean.
std::optional<bool> ParseBool(std::string_view text);

// ---- IP addresses -----------------------------------------------------------------------------
// "The value must be in the standard CIDR format (for example, 203.0.113.0/24 or
// 2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing prefix, IAM
// uses the default prefix value of /32." For IPv6 the same rule means /128. IPv4: four decimal
// octets without leading zeros (so "010.0.0.1" is rejected rather than read as octal or decimal).
// IPv6: RFC 4291 text forms, including "::" and a trailing dotted IPv4 part; no zone ids.
// Host bits set under the prefix ("10.1.2.3/8") are accepted and ignored, as RFC 4632 tools do.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in bytes[0..3]
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

std::optional<IpAddress> ParseIpAddress(std::string_view text);

struct Cidr {
  IpAddress base;
  int prefix_length = 0;  // 0..32 or 0..128

  // Families do not mix: an IPv4 block contains only IPv4 addresses. One exception: an IPv4-mapped
  // IPv6 address (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) is the IPv4 address a.b.c.d — it is
  // how dual-stack endpoints report IPv4 callers — so it is contained in IPv4 blocks; symmetrically
  // an IPv4 address is contained in an IPv6 block of prefix >= 96 that covers its mapped form.
  bool Contains(const IpAddress& address) const;
};

std::optional<Cidr> ParseCidr(std::string_view text);

// An address given as a number (the low 32 bits for IPv4) in text: dotted quad, or eight groups of
// hexadecimal digits for IPv6. ParseIpAddress reads it back.
std::string FormatIpNumber(unsigned __int128 value, bool v6);

// ---- Binary -----------------------------------------------------------------------------------
// BinaryEquals "compares the value of the specified key byte for byte against a base-64 encoded
// representation of the binary value in the policy". RFC 4648 standard alphabet; '=' padding
// optional but, when present, must be correct; no whitespace, no URL-safe alphabet.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_CONDITION_VALUES_H_
