(* The timer queue of the main loop: a binary min-heap of deadlines
   (monotonic nanoseconds), ties broken by insertion order.  Cancelled
   entries are dropped lazily when they reach the top, or all at once when
   they outnumber the live ones, so that cancelling is O(1) and memory stays
   bounded. *)

type entry = {
  deadline : int64;
  seq : int;
  mutable action : (unit -> unit) option;   (* None once cancelled or fired *)
}

type t = {
  mutable heap : entry array;
  mutable size : int;
  mutable live : int;
  mutable next_seq : int;
}

let dummy = { deadline = 0L; seq = 0; action = None }

let create () = { heap = Array.make 16 dummy; size = 0; live = 0; next_seq = 0 }
let length q = q.live
let is_empty q = q.live = 0

let earlier a b =
  let c = Int64.compare a.deadline b.deadline in
  c < 0 || (c = 0 && a.seq < b.seq)

let swap h i j =
  let x = h.(i) in
  h.(i) <- h.(j);
  h.(j) <- x

let rec sift_up h i =
  let parent = (i - 1) / 2 in
  if i > 0 && earlier h.(i) h.(parent) then begin
    swap h i parent;
    sift_up h parent
  end

let rec sift_down h size i =
  let l = (2 * i) + 1 in
  let r = l + 1 in
  let smallest = if l < size && earlier h.(l) h.(i) then l else i in
  let smallest = if r < size && earlier h.(r) h.(smallest) then r else smallest in
  if smallest <> i then begin
    swap h i smallest;
    sift_down h size smallest
  end

let push q e =
  if q.size = Array.length q.heap then begin
    let bigger = Array.make (2 * q.size) dummy in
    Array.blit q.heap 0 bigger 0 q.size;
    q.heap <- bigger
  end;
  q.heap.(q.size) <- e;
  q.size <- q.size + 1;
  sift_up q.heap (q.size - 1)

let pop_top q =
  let top = q.heap.(0) in
  q.size <- q.size - 1;
  q.heap.(0) <- q.heap.(q.size);
  q.heap.(q.size) <- dummy;
  sift_down q.heap q.size 0;
  top

(* Rebuilds the heap from its live entries. *)
let compact q =
  let live = List.filter (fun e -> e.action <> None) (Array.to_list (Array.sub q.heap 0 q.size)) in
  Array.fill q.heap 0 q.size dummy;
  q.size <- 0;
  List.iter (push q) live

let add q deadline f =
  let e = { deadline; seq = q.next_seq; action = Some f } in
  q.next_seq <- q.next_seq + 1;
  push q e;
  q.live <- q.live + 1;
  e

let cancel q e =
  if e.action <> None then begin
    e.action <- None;
    q.live <- q.live - 1;
    if q.size > 64 && q.size > 4 * q.live then compact q
  end

let rec drop_cancelled q =
  if q.size > 0 && q.heap.(0).action = None then begin
    ignore (pop_top q);
    drop_cancelled q
  end

(* The earliest deadline of a live entry. *)
let next_deadline q =
  drop_cancelled q;
  if q.size = 0 then None else Some q.heap.(0).deadline

(* Runs, in deadline order, the actions due at [now]; returns how many. *)
let run_due q now =
  let rec loop n =
    drop_cancelled q;
    if q.size > 0 && Int64.compare q.heap.(0).deadline now <= 0 then begin
      let e = pop_top q in
      let f = Option.get e.action in
      e.action <- None;
      q.live <- q.live - 1;
      f ();
      loop (n + 1)
    end else n
  in
  loop 0
