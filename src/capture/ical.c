/* ical.c - meetings from iCalendar files with libical: one activity per VEVENT UID. */
#include "capture/ical.h"

#include "capture/mime.h"

#include <errno.h>
#include <fcntl.h>
#include <libical/ical.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gpointer init_once(gpointer unused)
{
  /* Some builds of libical abort() on errors unless told otherwise; kith
   * reads untrusted files and wants a parse error, never an abort. */
  icalerror_set_errors_are_fatal(0);
  return NULL;
}

static void ical_init(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, init_once, NULL);
}

#define ICAL_MAX_DEPTH 64

/* Why TEXT cannot be handed to libical, or NULL: NUL bytes end C strings
 * early, and a property line unfolded past the cap is refused. */
static char *check_text(const char *data, gsize len)
{
  if (memchr(data, '\0', len))
    return g_strdup("contains a NUL byte");
  gsize logical = 0;
  guint64 line = 1, logical_start = 1;
  int depth = 0;
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', end - p);
    gsize n = nl ? (gsize)(nl - p) : (gsize)(end - p);
    if (*p == ' ' || *p == '\t') {
      logical += n; /* a folded continuation of the line before */
    } else {
      logical = n;
      logical_start = line;
    }
    if (logical > KITH_ICAL_VALUE_MAX)
      return g_strdup_printf("line %" G_GUINT64_FORMAT ": property longer than 1 MiB",
                             logical_start);
    /* libical frees components recursively: deep nesting would exhaust
     * the stack, and no real calendar nests more than a few levels. */
    if (n >= 6 && g_ascii_strncasecmp(p, "BEGIN:", 6) == 0 && ++depth > ICAL_MAX_DEPTH)
      return g_strdup_printf("line %" G_GUINT64_FORMAT ": components nested more than %d deep",
                             line, ICAL_MAX_DEPTH);
    if (n >= 4 && g_ascii_strncasecmp(p, "END:", 4) == 0 && depth > 0)
      depth--;
    p += n + 1;
    line++;
  }
  return NULL;
}

/* TZID resolution: the calendar's own VTIMEZONE, then libical's builtin
 * zones, then the Olson name at the end of a prefixed TZID such as
 * "/mozilla.org/20050126_1/Europe/Paris". NULL: unknown (read as UTC). */
static icaltimezone *find_zone(icalcomponent *vcal, const char *tzid)
{
  icaltimezone *zone = vcal ? icalcomponent_get_timezone(vcal, tzid) : NULL;
  if (!zone)
    zone = icaltimezone_get_builtin_timezone_from_tzid(tzid);
  for (const char *t = tzid; !zone && t && *t; t = strchr(t + 1, '/')) {
    const char *name = *t == '/' ? t + 1 : t;
    if (*name)
      zone = icaltimezone_get_builtin_timezone(name);
  }
  return zone;
}

/* DTSTART as UTC Unix seconds: a date (all day) is its midnight UTC, a
 * floating time or one in an unknown zone is read as UTC. 0 when none. */
static gint64 start_time(icalcomponent *ev, icalcomponent *vcal)
{
  icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
  if (!p)
    return 0;
  struct icaltimetype t = icalproperty_get_dtstart(p);
  if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
    return 0;
  icaltimezone *utc = icaltimezone_get_utc_timezone();
  if (t.is_date) {
    t.is_date = 0;
    t.hour = t.minute = t.second = 0;
    return (gint64)icaltime_as_timet_with_zone(t, utc);
  }
  icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
  icaltimezone *zone = (!icaltime_is_utc(t) && tzid) ? find_zone(vcal, tzid) : NULL;
  return (gint64)icaltime_as_timet_with_zone(t, zone ? zone : utc);
}

/* A parameter's value, owned by the caller (g_free), or NULL. */
static char *param(icalproperty *p, const char *name)
{
  char *v = icalproperty_get_parameter_as_string_r(p, name);
  char *copy = g_strdup(v);
  icalmemory_free_buffer(v);
  return copy;
}

/* CN as a name: surrounding quotes dropped, RFC 6868 ^-escapes decoded. */
static char *common_name(icalproperty *p)
{
  g_autofree char *cn = param(p, "CN");
  if (!cn)
    return NULL;
  gsize n = strlen(cn);
  if (n >= 2 && cn[0] == '"' && cn[n - 1] == '"') {
    cn[n - 1] = '\0';
    memmove(cn, cn + 1, n - 1);
  }
  GString *out = g_string_sized_new(strlen(cn));
  for (const char *c = cn; *c; c++) {
    if (*c == '^' && (c[1] == 'n' || c[1] == 'N' || c[1] == '^' || c[1] == '\'')) {
      c++;
      g_string_append_c(out, *c == '^' ? '^' : *c == '\'' ? '"' : ' ');
    } else {
      g_string_append_c(out, *c);
    }
  }
  g_autofree char *decoded = g_string_free(out, FALSE);
  return kith_capture_clean_text(decoded, KITH_CAPTURE_NAME_MAX);
}

static kith_cutype cutype_of(icalproperty *p)
{
  g_autofree char *cu = param(p, "CUTYPE");
  if (!cu)
    return KITH_CUTYPE_PERSON;
  if (!g_ascii_strcasecmp(cu, "ROOM"))
    return KITH_CUTYPE_ROOM;
  if (!g_ascii_strcasecmp(cu, "RESOURCE"))
    return KITH_CUTYPE_RESOURCE;
  if (!g_ascii_strcasecmp(cu, "GROUP"))
    return KITH_CUTYPE_GROUP;
  return KITH_CUTYPE_PERSON; /* INDIVIDUAL, UNKNOWN and x-names (RFC 5545 3.2.3) */
}

static void add_person(kith_activity *a, icalproperty *p, const char *value, kith_part_role role)
{
  g_autofree char *email = NULL;
  if (value && g_ascii_strncasecmp(value, "mailto:", 7) == 0)
    email = g_strdup(value + 7);
  else if (!(email = param(p, "EMAIL"))) /* RFC 7986: the address beside a non-mailto URI */
    email = g_strdup(value);
  if (!email)
    return;
  g_autofree char *name = common_name(p);
  kith_activity_add_participant(a, email, name, role, cutype_of(p));
}

/* The first error libical recorded while reading a line of EV (a line it
 * could not split, e.g. after broken folding), or NULL. Errors in single
 * values (an empty DESCRIPTION) are common in real files and tolerated. */
static char *broken_reason(icalcomponent *ev)
{
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
    icalparameter *t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
    icalparameter_xlicerrortype type = t ? icalparameter_get_xlicerrortype(t) : ICAL_XLICERRORTYPE_NONE;
    if (type == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR ||
        type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR)
      return kith_capture_clean_text(icalproperty_get_xlicerror(p), 200);
  }
  return NULL;
}

/* The identity of a VEVENT without UID: what the invitation says, not when
 * it was exported (DTSTAMP), so that reading it again gives the same id. */
static char *derived_id(icalcomponent *ev)
{
  static const icalproperty_kind kinds[] = {ICAL_DTSTART_PROPERTY, ICAL_ORGANIZER_PROPERTY,
                                            ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
                                            ICAL_ATTENDEE_PROPERTY};
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
  for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++)
    for (icalproperty *p = icalcomponent_get_first_property(ev, kinds[k]); p;
         p = icalcomponent_get_next_property(ev, kinds[k])) {
      char *raw = icalproperty_as_ical_string_r(p);
      g_ptr_array_add(parts, g_strdup(raw));
      icalmemory_free_buffer(raw);
    }
  return kith_capture_derived_id((const char *const *)parts->pdata, parts->len);
}

static kith_activity *event_activity(icalcomponent *ev, icalcomponent *vcal, const char *origin)
{
  kith_activity *a = kith_activity_new(KITH_ACTIVITY_MEETING);
  a->origin = g_strdup(origin);
  const char *uid = icalcomponent_get_uid(ev);
  icalproperty *org = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
  const char *summary = icalcomponent_get_summary(ev);
  g_autofree char *id = uid ? kith_capture_clean_text(uid, KITH_CAPTURE_ID_MAX) : NULL;
  if (id && *id) {
    a->id = g_steal_pointer(&id);
  } else {
    a->id = derived_id(ev);
  }
  a->time = start_time(ev, vcal);
  g_free(a->subject);
  a->subject = kith_capture_clean_text(summary, KITH_CAPTURE_SUBJECT_MAX);
  a->cancelled = icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED ||
                 (vcal && icalcomponent_get_method(vcal) == ICAL_METHOD_CANCEL);
  if (org)
    add_person(a, org, icalproperty_get_organizer(org), KITH_PART_ORGANIZER);
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
    add_person(a, p, icalproperty_get_attendee(p), KITH_PART_ATTENDEE);
  return a;
}

typedef struct {
  const char *origin;
  const kith_capture_sink *sink;
  GHashTable *seen; /* ids already handed on: a series and its overrides are one */
  guint broken;
  char *first_broken;
  guint events;
  gboolean go;
} ical_reader;

static void read_event(ical_reader *r, icalcomponent *ev, icalcomponent *vcal)
{
  r->events++;
  g_autofree char *why = broken_reason(ev);
  if (why) {
    if (r->broken++ == 0)
      r->first_broken = g_steal_pointer(&why);
    return;
  }
  g_autoptr(kith_activity) a = event_activity(ev, vcal, r->origin);
  if (g_hash_table_contains(r->seen, a->id))
    return; /* a RECURRENCE-ID override (or repeat) of a UID already read */
  g_hash_table_add(r->seen, g_strdup(a->id));
  r->go = r->sink->on_activity(a, r->sink->user_data);
}

static void read_calendar(ical_reader *r, icalcomponent *vcal)
{
  icalcompiter it = icalcomponent_begin_component(vcal, ICAL_VEVENT_COMPONENT);
  for (icalcomponent *ev; r->go && (ev = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it))
    read_event(r, ev, vcal);
}

gboolean kith_ical_read_buffer(const char *data, gsize len, const char *origin,
                               const kith_capture_sink *sink)
{
  ical_init();
  g_autofree char *why = check_text(data, len);
  if (why) {
    sink->on_error(origin, why, sink->user_data);
    return TRUE;
  }
  g_autofree char *text = g_strndup(data, len);
  /* libical prints its own warnings on stderr ("Encountered END before
   * BEGIN"); kith reports bad files itself, one kith: line each. */
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && devnull >= 0)
    dup2(devnull, STDERR_FILENO);
  icalcomponent *root = icalparser_parse_string(text);
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
  if (devnull >= 0)
    close(devnull);
  if (!root) {
    sink->on_error(origin, "not a complete iCalendar file (no BEGIN/END:VCALENDAR pair libical can read)",
                   sink->user_data);
    return TRUE;
  }
  ical_reader r = {origin, sink, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                   0, NULL, 0, TRUE};
  guint calendars = 0;
  icalcomponent_kind kind = icalcomponent_isa(root);
  if (kind == ICAL_VCALENDAR_COMPONENT) {
    calendars++;
    read_calendar(&r, root);
  } else if (kind == ICAL_VEVENT_COMPONENT) {
    read_event(&r, root, NULL); /* a bare VEVENT: lenient, it is still a meeting */
  } else if (kind == ICAL_XROOT_COMPONENT) {
    /* Several top-level components: every VCALENDAR, and bare VEVENTs. */
    icalcompiter it = icalcomponent_begin_component(root, ICAL_ANY_COMPONENT);
    for (icalcomponent *c; r.go && (c = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it)) {
      if (icalcomponent_isa(c) == ICAL_VCALENDAR_COMPONENT) {
        calendars++;
        read_calendar(&r, c);
      } else if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT) {
        read_event(&r, c, NULL);
      }
    }
  }
  if (calendars == 0 && r.events == 0) {
    sink->on_error(origin, "not an iCalendar calendar (no VCALENDAR or VEVENT in it)", sink->user_data);
  } else if (r.broken) {
    g_autofree char *msg =
        r.broken == 1 ? g_strdup_printf("broken VEVENT skipped: %s", r.first_broken)
                      : g_strdup_printf("%u broken VEVENTs skipped; first: %s", r.broken, r.first_broken);
    sink->on_error(origin, msg, sink->user_data);
  }
  g_free(r.first_broken);
  g_hash_table_unref(r.seen);
  icalcomponent_free(root);
  return r.go;
}

gboolean kith_ical_read_file(const char *path, const kith_capture_sink *sink)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    sink->on_error(path, g_strerror(errno), sink->user_data);
    return TRUE;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size > KITH_ICAL_FILE_MAX) {
    sink->on_error(path, st.st_size > KITH_ICAL_FILE_MAX ? "larger than 64 MiB" : g_strerror(errno),
                   sink->user_data);
    close(fd);
    return TRUE;
  }
  /* Read at most one byte past the cap: a file growing meanwhile is caught. */
  gsize cap = KITH_ICAL_FILE_MAX + 1, len = 0;
  char *buf = g_malloc(MIN((gsize)st.st_size + 1, cap));
  gsize size = MIN((gsize)st.st_size + 1, cap);
  for (;;) {
    if (len == size) {
      if (size == cap)
        break;
      size = MIN(size * 2, cap);
      buf = g_realloc(buf, size);
    }
    ssize_t n = read(fd, buf + len, size - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      sink->on_error(path, g_strerror(errno), sink->user_data);
      close(fd);
      g_free(buf);
      return TRUE;
    }
    if (n == 0)
      break;
    len += (gsize)n;
  }
  close(fd);
  gboolean go = TRUE;
  if (len > KITH_ICAL_FILE_MAX)
    sink->on_error(path, "larger than 64 MiB", sink->user_data);
  else
    go = kith_ical_read_buffer(buf, len, path, sink);
  g_free(buf);
  return go;
}
