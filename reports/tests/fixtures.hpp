#pragma once
// Results documents for the tests and the browser check.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stutter::reports::testing {

// A minimal valid result with every required field, plus stats and faults by phase.
nlohmann::json make_result(const std::string& scenario, const std::string& implementation, std::uint64_t seed,
                           const std::string& verdict = "pass", const std::string& category = "line");

// Turns a result into a failing one with an invariant, message, data diff, wire log and a
// timeline of `events` operations (every 7th one faulted).
nlohmann::json make_failing(nlohmann::json result, std::size_t events);

nlohmann::json make_document(std::vector<nlohmann::json> results, const std::string& shard = "1/1");

// The untrusted strings the escaping tests plant, and their escaped forms written out by hand.
inline const std::string script_name = "<script>alert(1)</script>";
inline const std::string script_name_escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
inline const std::string quote_text = "zq \"double\" 'single' & amp";
inline const std::string quote_text_escaped = "zq &quot;double&quot; &#39;single&#39; &amp; amp";

// A realistic report: several categories and peers, every verdict, a failing run with a long
// timeline, and a scenario named <script>alert(1)</script>.
nlohmann::json showcase_document();

}  // namespace stutter::reports::testing
