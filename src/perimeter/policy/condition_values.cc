#include "perimeter/policy/condition_values.h"

#include <cstddef>
#include <cstdio>

#include "perimeter/base/text.h"

namespace perimeter::policy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads exactly `count` digits at text[pos]; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil-calendar algorithm).
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Nanoseconds from a run of fraction digits (beyond nine digits, truncated).
bool ReadFractionNanos(std::string_view digits, int32_t& nanos) {
  if (digits.empty()) return false;
  nanos = 0;
  int32_t scale = 100'000'000;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    nanos += (c - '0') * scale;
    scale /= 10;
  }
  return true;
}

std::optional<Timestamp> ParseEpoch(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  if (whole.empty() || whole.size() > 15) return std::nullopt;  // beyond 15 digits is not a date
  int64_t seconds = 0;
  for (char c : whole) {
    if (!IsDigit(c)) return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  int32_t nanos = 0;
  if (dot != std::string_view::npos && !ReadFractionNanos(text.substr(dot + 1), nanos))
    return std::nullopt;
  if (negative) {
    seconds = -seconds;
    if (nanos > 0) {
      seconds -= 1;
      nanos = 1'000'000'000 - nanos;
    }
  }
  return Timestamp{seconds, nanos};
}

bool ParseIpv4(std::string_view text, uint8_t out[4]) {
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    size_t start = pos;
    int value = 0;
    while (pos < text.size() && IsDigit(text[pos]) && pos - start < 3)
      value = value * 10 + (text[pos++] - '0');
    size_t length = pos - start;
    if (length == 0 || value > 255 || (length > 1 && text[start] == '0')) return false;
    out[octet] = static_cast<uint8_t>(value);
  }
  return pos == text.size();
}

// Parses colon-separated 16-bit groups (with an optional trailing dotted IPv4 when `allow_ipv4`)
// into `groups`; returns the number of 16-bit groups written, or -1.
int ParseIpv6Groups(std::string_view text, uint16_t groups[8], bool allow_ipv4) {
  if (text.empty()) return 0;
  int count = 0;
  size_t pos = 0;
  while (true) {
    size_t end = text.find(':', pos);
    std::string_view group =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (end == std::string_view::npos && allow_ipv4 && group.find('.') != std::string_view::npos) {
      uint8_t v4[4];
      if (count > 6 || !ParseIpv4(group, v4)) return -1;
      groups[count++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      return count;
    }
    if (group.empty() || group.size() > 4 || count >= 8) return -1;
    uint16_t value = 0;
    for (char c : group) {
      int digit = HexValue(c);
      if (digit < 0) return -1;
      value = static_cast<uint16_t>(value << 4 | digit);
    }
    groups[count++] = value;
    if (end == std::string_view::npos) return count;
    pos = end + 1;
  }
}

bool ParseIpv6(std::string_view text, uint8_t out[16]) {
  uint16_t head[8], tail[8];
  int head_count, tail_count = 0;
  size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    head_count = ParseIpv6Groups(text, head, /*allow_ipv4=*/true);
    if (head_count != 8) return false;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return false;
    head_count = ParseIpv6Groups(text.substr(0, gap), head, /*allow_ipv4=*/false);
    tail_count = ParseIpv6Groups(text.substr(gap + 2), tail, /*allow_ipv4=*/true);
    // "::" stands for at least one zero group.
    if (head_count < 0 || tail_count < 0 || head_count + tail_count > 7) return false;
  }
  uint16_t groups[8] = {};
  for (int i = 0; i < head_count; ++i) groups[i] = head[i];
  for (int i = 0; i < tail_count; ++i) groups[8 - tail_count + i] = tail[i];
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  return true;
}

bool IsIpv4Mapped(const IpAddress& address) {
  if (!address.v6) return false;
  for (int i = 0; i < 10; ++i) {
    if (address.bytes[i] != 0) return false;
  }
  return address.bytes[10] == 0xff && address.bytes[11] == 0xff;
}

bool PrefixEqual(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int full = bits / 8;
  for (int i = 0; i < full; ++i) {
    if (a[i] != b[i]) return false;
  }
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<DecimalNumber> ParseNumber(std::string_view text) {
  DecimalNumber number;
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+'))
    number.negative = text[pos++] == '-';
  size_t int_start = pos;
  while (pos < text.size() && IsDigit(text[pos])) ++pos;
  std::string_view integer = text.substr(int_start, pos - int_start);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    size_t frac_start = ++pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    fraction = text.substr(frac_start, pos - frac_start);
  }
  if (pos != text.size() || (integer.empty() && fraction.empty())) return std::nullopt;
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  number.integer = integer;
  number.fraction = fraction;
  if (integer.empty() && fraction.empty()) number.negative = false;
  return number;
}

std::strong_ordering CompareNumbers(const DecimalNumber& a, const DecimalNumber& b) {
  if (a.negative != b.negative)
    return a.negative ? std::strong_ordering::less : std::strong_ordering::greater;
  // Compare magnitudes, then flip for negatives.
  std::strong_ordering magnitude = a.integer.size() <=> b.integer.size();
  if (magnitude == 0) magnitude = a.integer.compare(b.integer) <=> 0;
  if (magnitude == 0)
    magnitude = a.fraction.compare(b.fraction) <=> 0;  // no trailing zeros: lexical works
  if (!a.negative) return magnitude;
  return 0 <=> magnitude;
}

std::optional<Timestamp> ParseDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // Digit-only (with sign and fraction): epoch seconds.
  bool epoch = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!(IsDigit(c) || c == '.' || (c == '-' && i == 0))) {
      epoch = false;
      break;
    }
  }
  if (epoch) return ParseEpoch(text);

  size_t pos = 0;
  int year, month, day = 1, hour = 0, minute = 0, second = 0;
  int32_t nanos = 0;
  if (!ReadDigits(text, pos, 4, year)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '-' || !ReadDigits(text, pos, 2, month))
    return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos++] != '-' || !ReadDigits(text, pos, 2, day)) return std::nullopt;
  }
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') return std::nullopt;
    ++pos;
    if (!ReadDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !ReadDigits(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadDigits(text, pos, 2, second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        size_t start = ++pos;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;
        if (!ReadFractionNanos(text.substr(start, pos - start), nanos)) return std::nullopt;
      }
    }
    if (minute > 59 || second > 60) return std::nullopt;
    if (hour > 24 || (hour == 24 && (minute != 0 || second != 0 || nanos != 0)))
      return std::nullopt;
    if (pos < text.size()) {
      char zone = text[pos++];
      if (zone == 'Z' || zone == 'z') {
        if (pos != text.size()) return std::nullopt;
      } else if (zone == '+' || zone == '-') {
        int offset_hours, offset_minutes;
        if (!ReadDigits(text, pos, 2, offset_hours) || pos >= text.size() || text[pos++] != ':' ||
            !ReadDigits(text, pos, 2, offset_minutes) || pos != text.size() || offset_hours > 23 ||
            offset_minutes > 59) {
          return std::nullopt;
        }
        offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (zone == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
  }
  int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return Timestamp{seconds, nanos};
}

std::optional<bool> ParseBool(std::string_view text) {
  if (base::EqualsIgnoreAsciiCase(text, "true")) return true;
  if (base::EqualsIgnoreAsciiCase(text, "false")) return false;
  return std::nullopt;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  IpAddress address;
  if (text.find(':') == std::string_view::npos) {
    if (!ParseIpv4(text, address.bytes.data())) return std::nullopt;
    return address;
  }
  address.v6 = true;
  if (!ParseIpv6(text, address.bytes.data())) return std::nullopt;
  return address;
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::optional<IpAddress> base = ParseIpAddress(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int max_length = base->v6 ? 128 : 32;
  Cidr cidr{*base, max_length};
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0'))
      return std::nullopt;
    int length = 0;
    for (char c : digits) {
      if (!IsDigit(c)) return std::nullopt;
      length = length * 10 + (c - '0');
    }
    if (length > max_length) return std::nullopt;
    cidr.prefix_length = length;
  }
  return cidr;
}

bool Cidr::Contains(const IpAddress& address) const {
  if (!base.v6) {
    if (!address.v6) return PrefixEqual(base.bytes, address.bytes, prefix_length);
    if (!IsIpv4Mapped(address)) return false;
    std::array<uint8_t, 16> v4{};
    for (int i = 0; i < 4; ++i) v4[i] = address.bytes[12 + i];
    return PrefixEqual(base.bytes, v4, prefix_length);
  }
  if (address.v6) return PrefixEqual(base.bytes, address.bytes, prefix_length);
  // An IPv4 caller against an IPv6 block: only blocks inside ::ffff:0:0/96 can hold it.
  std::array<uint8_t, 16> mapped{};
  mapped[10] = mapped[11] = 0xff;
  for (int i = 0; i < 4; ++i) mapped[12 + i] = address.bytes[i];
  return prefix_length >= 96 && PrefixEqual(base.bytes, mapped, prefix_length);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  if (padding > 0 && (text.size() + padding) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = Base64Value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or the text is not a canonical encoding of any byte string.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string FormatIpNumber(unsigned __int128 value, bool v6) {
  char buffer[64];
  if (!v6) {
    auto v = static_cast<unsigned>(value & 0xFFFFFFFFu);
    std::snprintf(buffer, sizeof(buffer), "%u.%u.%u.%u", (v >> 24) & 255, (v >> 16) & 255,
                  (v >> 8) & 255, v & 255);
    return buffer;
  }
  std::string out;
  for (int group = 7; group >= 0; --group) {
    std::snprintf(buffer, sizeof(buffer), "%x",
                  static_cast<unsigned>((value >> (group * 16)) & 0xFFFF));
    out.append(buffer);
    if (group > 0) out.push_back(':');
  }
  return out;
}

}  // namespace perimeter::policy
