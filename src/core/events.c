/* Event ids to Node's event names, from the one X-macro table in core.h. */
#include "internal.h"

static const char *const event_names[] = {
#define XX(id, name) name,
    NNET_EVENT_MAP(XX)
#undef XX
};

const char *nnet_event_name(nnet_event_type_t type) {
  if ((unsigned)type >= NNET__ARRAY_SIZE(event_names)) return NULL;
  return event_names[type];
}
