/* memscope compiler <-> runtime ABI.
 *
 * The clang plugin's IR pass emits calls to these hooks and static tables of
 * memscope_site records; libmemscope_rt implements them. Everything here is
 * C so that the pass can declare it without knowing C++ mangling.
 *
 * Context values (uint64_t) are opaque to the compiler: it only stores them in
 * frame slots and hands them back, except on the inline fast paths below
 * ("Inline fast paths"), which know their two halves. MEMSCOPE_NO_CONTEXT is
 * the one value the compiler may produce itself (to initialise a spawn
 * slot).
 */
#ifndef MEMSCOPE_ABI_H
#define MEMSCOPE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of everything in this file. Bump it with any change that
 * makes code compiled by one plugin wrong with another runtime (a hook's
 * meaning or signature, memscope_site's layout, the numbering of kinds,
 * flags or task types). */
#define MEMSCOPE_ABI_VERSION 5
#define MEMSCOPE_NO_CONTEXT (~(uint64_t)0)

/* What a memscope_site describes. */
enum memscope_site_kind {
  MEMSCOPE_SITE_ALLOC = 1,     /* a `new` expression in user code */
  MEMSCOPE_SITE_COROUTINE = 2, /* a user coroutine (also the fallback site) */
  MEMSCOPE_SITE_SPAWN = 3      /* a spawn call (co_spawn, spawn_tracked, ...) */
};

/* memscope_site.flags */
enum memscope_site_flags {
  MEMSCOPE_FLAG_TASK_ROOT = 1u << 0,     /* coroutine: every frame starts a task */
  MEMSCOPE_FLAG_EXPLICIT_TYPE = 1u << 1, /* task_type was given by the user */
  /* SPAWN of a function object (co_spawn(ex, [self] { return self->run(); },
   * ...)): the coroutine is created later, when the spawned code calls the
   * function object, in the task the spawn made. The first user coroutine
   * frame created in that task becomes its root. */
  MEMSCOPE_FLAG_DEFERRED_ROOT = 1u << 2
};

/* Task types, numbered as memscope::TaskType: MEMSCOPE_TYPE_CPU_INTENSIVE
 * = 0 ... MEMSCOPE_TYPE_UNKNOWN = 8, in the order of task_types.def. */
enum memscope_task_type {
#define MEMSCOPE_TASK_TYPE(Name, Abi, Short) MEMSCOPE_TYPE_##Abi,
#include "task_types.def"
};

/* One compile-time record. The pass emits these into the section
 * "memscope_sites" (8-byte aligned, 48 bytes each) and registers each
 * module's table from a constructor, as SanitizerCoverage does with its
 * __start_/__stop_ symbols. In IR: { ptr, ptr, ptr, i32 x 6 }. */
typedef struct memscope_site {
  const char *file;     /* source file as spelled in the translation unit */
  const char *function; /* ALLOC/SPAWN: enclosing function; COROUTINE: itself */
  const struct memscope_site *spawn; /* COROUTINE with TASK_ROOT: where it is
                                        spawned, when known; else NULL */
  uint32_t line;
  uint32_t column;
  uint32_t kind;      /* memscope_site_kind */
  uint32_t flags;     /* memscope_site_flags */
  uint32_t task_type; /* COROUTINE/SPAWN: memscope_task_type */
  uint32_t index;     /* written by the runtime at registration; 0 = none */
} memscope_site;

/* ---- ABI check ---------------------------------------------------------- */
/* Each instrumented module's constructor calls __memscope_abi_v<VERSION>
 * (MEMSCOPE_ABI_SYMBOL_NAME) first; the runtime defines only the one of its
 * own version. A module compiled by a plugin of another version than the
 * runtime it is linked with therefore fails to link, naming the version it
 * wants ("undefined reference to `__memscope_abi_v2'"), instead of running
 * with figures that mean something else. It does nothing when called. */
#define MEMSCOPE_ABI_CAT_(a, b) a##b
#define MEMSCOPE_ABI_CAT(a, b) MEMSCOPE_ABI_CAT_(a, b)
#define MEMSCOPE_ABI_STR_(x) #x
#define MEMSCOPE_ABI_STR(x) MEMSCOPE_ABI_STR_(x)
#define MEMSCOPE_ABI_SYMBOL                                                    \
  MEMSCOPE_ABI_CAT(__memscope_abi_v, MEMSCOPE_ABI_VERSION)
#define MEMSCOPE_ABI_SYMBOL_NAME                                               \
  "__memscope_abi_v" MEMSCOPE_ABI_STR(MEMSCOPE_ABI_VERSION)
void MEMSCOPE_ABI_SYMBOL(void);

/* Called from each instrumented module's constructor with the bounds of its
 * "memscope_sites" section. Idempotent per table. */
void __memscope_register_sites(memscope_site *start, memscope_site *stop);

/* ---- Coroutine context ------------------------------------------------- */

/* First thing in a coroutine's ramp, before the frame is allocated. Decides
 * the frame's task (a pending spawn, a TASK_ROOT coroutine, or no current
 * task start a new one; otherwise the current task) and makes it current so
 * that the frame allocation is charged to it. Returns the previous context. */
uint64_t __memscope_ramp_enter(const memscope_site *coroutine);

/* Right after llvm.coro.begin. Records the frame (frame_size from
 * llvm.coro.size, with MEMSCOPE_FRAME_NOT_ON_HEAP set when llvm.coro.alloc
 * said no: an elided frame) and returns the frame's binding, which the pass
 * keeps in the frame and passes to __memscope_resume and
 * __memscope_frame_end. A frame on the heap is charged to its task as an
 * allocation of frame_size bytes at the coroutine's site; whatever the
 * frame allocation itself allocates (between __memscope_ramp_enter and this
 * hook) is not counted again. */
#define MEMSCOPE_FRAME_NOT_ON_HEAP (1ull << 63)
uint64_t __memscope_frame_begin(void *frame, uint64_t frame_size);

/* On every resume (and destroy) edge: makes the frame's task current and
 * returns the previous context. */
uint64_t __memscope_resume(uint64_t binding);

/* The same hook on a destroy edge (a suspend's destroy case, and both edges
 * of a final suspend): what CoroSplit moves into the destroy and cleanup
 * clones. Its own name tells the late pass that a pair with nothing to
 * attribute between may go (destroy code only frees), also once the
 * inliner has taken a destroy clone into its caller, where the clone's name
 * is gone (metadata would not do: the optimiser drops unknown metadata
 * when it merges two calls). */
uint64_t __memscope_resume_destroy(uint64_t binding);

/* Before every suspend (before await_suspend runs), before llvm.coro.free and
 * before an unwinding llvm.coro.end: restores the context saved by
 * __memscope_resume (or by __memscope_ramp_enter, once the frame exists).
 * Idempotent. */
void __memscope_suspend(uint64_t saved);

/* The same two hooks for a run slice that attributes nothing: the pass puts
 * them on a resume and its suspends when nothing on any path between them
 * may allocate or is memscope's (a child that only computes its result).
 * Same meaning as __memscope_resume and __memscope_suspend; they differ in
 * their inline fast paths (below) and, on x86-64, in saving every register
 * they use (clang's preserve_most, which the pass gives the calls too), so
 * that the slice around them keeps its values in registers. */
#if defined(__clang__) && defined(__x86_64__)
#define MEMSCOPE_SAVES_REGISTERS __attribute__((preserve_most))
#else
#define MEMSCOPE_SAVES_REGISTERS
#endif
MEMSCOPE_SAVES_REGISTERS uint64_t __memscope_resume_idle(uint64_t binding);
MEMSCOPE_SAVES_REGISTERS void __memscope_suspend_idle(uint64_t saved);

/* On the ramp's paths that never reach llvm.coro.begin (the frame
 * allocation returned null or threw): ends the frame allocation window that
 * __memscope_ramp_enter opened and restores the context it returned. */
void __memscope_ramp_abort(uint64_t saved);

/* Right after llvm.coro.free (frame_size as for __memscope_frame_begin,
 * MEMSCOPE_FRAME_NOT_ON_HEAP when llvm.coro.free returned null): the frame
 * is gone, and a heap frame's bytes are credited back to its task. Ends the
 * task if this frame was its root frame. */
void __memscope_frame_end(uint64_t binding, uint64_t frame_size);

/* Around a spawn: before the call that creates the spawned coroutine, and
 * after the spawn function returns (and on unwind paths). spawn_begin
 * creates the task and makes it current; the next __memscope_ramp_enter on
 * this thread adopts it. spawn_end(MEMSCOPE_NO_CONTEXT) does nothing. */
uint64_t __memscope_spawn_begin(const memscope_site *spawn);
void __memscope_spawn_end(uint64_t saved);

/* ---- Library call sites ------------------------------------------------ */
/* Around a call from user code into library code that may allocate (a
 * std::vector growing, std::string, make_shared, strdup): call_enter makes
 * `call` (an ALLOC site naming the user call) the site half of the context,
 * so that what the library allocates without a site of its own is charged
 * to that line; the task half is left alone. It returns the previous
 * context; call_exit puts back only that context's site half (after the
 * call and on its unwind path). call_exit(MEMSCOPE_NO_CONTEXT) does
 * nothing. */
uint64_t __memscope_call_enter(const memscope_site *call);
void __memscope_call_exit(uint64_t saved);

/* ---- Inline fast paths ------------------------------------------------- */
/* A context is (task slot: bits 0..31, site index: bits 32..62; bit 63 of a
 * binding marks a task's root frame). This thread's current context is the
 * 64-bit word at MEMSCOPE_CONTEXT_SYMBOL_NAME, an initial-exec thread-local
 * variable of the runtime (the first word of its per-thread state; declared
 * here by name only: its type is the runtime's). Instrumented code may take
 * the common paths of ten hooks inline, doing exactly what the hook does on
 * that path, and call the hook otherwise:
 *   __memscope_resume(b):  if slot(b) == slot(ctx): ctx = b & ~(1 << 63);
 *                          the result is the old ctx either way.
 *   __memscope_resume_destroy(b): the same.
 *   __memscope_suspend(s): if slot(s) == slot(ctx): ctx = s.
 *   __memscope_resume_idle(b), __memscope_suspend_idle(s): nothing when the
 *                          slot is the same (the slice between them
 *                          attributes nothing, so its site need not move);
 *                          the resume's result is the old ctx either way.
 *   __memscope_ramp_enter(site), for a site without MEMSCOPE_FLAG_TASK_ROOT:
 *                          i = site->index (relaxed); if slot(ctx) ==
 *                          ramp_slot: site half of ctx = i, even 0 (a
 *                          module registers its sites in its first
 *                          constructor, so 0 is a full table, or code run
 *                          from another image's constructors before its
 *                          own: charged at no site), and internal |=
 *                          MEMSCOPE_FRAME_WINDOW; the result is the old ctx
 *                          either way.
 *   __memscope_frame_begin(f, n): if internal == MEMSCOPE_FRAME_WINDOW |
 *                          MEMSCOPE_VIRTUAL_FRAME and ctx == batch_word and
 *                          n == batch_size: internal = 0, batch_reuses += 1,
 *                          and the result is ctx.
 *   __memscope_frame_end(b, n): if b == batch_word and n == batch_size and
 *                          internal == 0: internal = MEMSCOPE_VIRTUAL_FRAME.
 *                          (Both may leave out n == batch_size where n is a
 *                          constant without MEMSCOPE_FRAME_NOT_ON_HEAP: the
 *                          runtime starts no batch at site 0, and any other
 *                          site is one coroutine of one module, whose heap
 *                          frames all have the size its ramp passes.)
 *   __memscope_call_enter(site): i = site->index (relaxed); if i != 0: site
 *                          half of ctx = i; the
 *                          result is the old ctx either way.
 *   __memscope_call_exit(s): if slot(s) == slot(ctx): ctx = s (what the
 *                          hook does there: s is a saved context, never
 *                          MEMSCOPE_NO_CONTEXT, whose slot no current
 *                          context has).
 * (The runtime writes no site index past MEMSCOPE_MAX_SITES - 1: a site
 * that does not fit keeps 0, so the one test says both.)
 * An idle suspend that restores the result of an idle resume in the same
 * straight-line code may be left out where the resume's test passed:
 * nothing between them changes the task.
 * Everything else the hooks do (task switches, registration) happens only
 * on the paths that call them. (The calls of the first four stay plain C
 * calls: a preserve_most form of all of them was tried, and its own
 * register saves cost a task switch 50 instructions more than it saved the
 * callers, most of which make other calls anyway. The idle pair's callers
 * are mostly leaf code, where the saves are what the form takes away.) */
#define MEMSCOPE_CONTEXT_SYMBOL_NAME "__memscope_thread_state"
/* The other words of the same thread state that the ramp's and the frame
 * hooks' inline paths use, at these offsets from the context word: the task
 * whose plain child ramps the runtime has checked in this run slice
 * (ramp_slot, 32 bits); the runtime's own flags (internal, 32 bits), of
 * which the ramp sets the frame window and the frame batch uses the
 * virtual-frame bit; and the frame batch (three 64-bit words: the binding
 * and flagged size of the frames it counts, and how many frames it has
 * reused). */
#define MEMSCOPE_STATE_RAMP_SLOT_OFFSET 8
#define MEMSCOPE_STATE_INTERNAL_OFFSET 12
#define MEMSCOPE_STATE_BATCH_WORD_OFFSET 16
#define MEMSCOPE_STATE_BATCH_SIZE_OFFSET 24
#define MEMSCOPE_STATE_BATCH_REUSES_OFFSET 32
#define MEMSCOPE_FRAME_WINDOW (1u << 31)
#define MEMSCOPE_VIRTUAL_FRAME (1u << 29)
#define MEMSCOPE_MAX_SITES (1u << 18)

/* ---- Asynchronous operations ------------------------------------------- */
/* Called by Asio's custom handler tracking, which the plugin switches on in
 * every translation unit it compiles (memscope/asio_tracking.hpp). An
 * operation (a completion handler, or a step of a composed operation) runs in
 * the task that was current when it was started. */

/* An operation object was created (Asio: handler creation). `object` is the
 * I/O object's kind as Asio names it ("socket", "deadline_timer", ...),
 * `name` the operation ("async_receive", "post", ...). Remembers the task
 * current now for the operation at address `op`. */
void __memscope_op_created(const void *op, const char *object,
                           const char *name);

/* The operation at `op` completes (Asio: handler completion, while the
 * operation object still exists). Forgets it and resumes the context to run
 * its completion in, as __memscope_resume does, returning the previous one:
 * the creating task's, or 0 ("no task") when it was started outside any
 * task, its task record was recycled, or it is unknown. The rest of the
 * completion runs up to __memscope_suspend(what it returned): a handler is
 * a resume of its task. The task's record cannot be recycled meanwhile:
 * this thread says the task is current here before it checks that the
 * record is still that task's. */
uint64_t __memscope_op_resume(const void *op);

/* ---- Allocation sites -------------------------------------------------- */
/* Replacements for direct calls to the global operator new forms in user
 * code; same semantics (throwing, new_handler, nothrow), plus a site. */
void *__memscope_new(size_t size, const memscope_site *site);
void *__memscope_new_array(size_t size, const memscope_site *site);
void *__memscope_new_nothrow(size_t size, const memscope_site *site);
void *__memscope_new_array_nothrow(size_t size, const memscope_site *site);
void *__memscope_new_aligned(size_t size, size_t align,
                             const memscope_site *site);
void *__memscope_new_array_aligned(size_t size, size_t align,
                                   const memscope_site *site);
void *__memscope_new_aligned_nothrow(size_t size, size_t align,
                                     const memscope_site *site);
void *__memscope_new_array_aligned_nothrow(size_t size, size_t align,
                                           const memscope_site *site);

#ifdef __cplusplus
}
#endif

#endif /* MEMSCOPE_ABI_H */
