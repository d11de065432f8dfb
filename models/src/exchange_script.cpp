#include "stutter_models/exchange.hpp"

namespace stutter::models {

namespace {

// What one side's actions add to its own and its peer's observations.
void add_actions(const std::vector<exchange_action>& actions, exchange_observation& self,
                 exchange_observation& peer) {
  for (const exchange_action& a : actions) {
    if (a.kind == exchange_action::kind::write) {
      self.app_bytes_sent += a.data.size();
      peer.app_received.insert(peer.app_received.end(), a.data.begin(), a.data.end());
    } else {
      ++self.renegotiations_completed;
      ++peer.renegotiations_completed;
    }
  }
}

}  // namespace

exchange_expectation expected_observations(const exchange_script& script) {
  exchange_expectation e;
  e.client.handshakes_completed = 1;
  e.server.handshakes_completed = 1;
  add_actions(script.client, e.client, e.server);
  add_actions(script.server, e.server, e.client);
  return e;
}

}  // namespace stutter::models
