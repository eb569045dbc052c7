(* Network-style buffers, as Cstruct uses them: many short-lived
   Bigarray.Array1 of chars (a packet each) filled, blitted into a frame,
   sliced with sub and read back as 16/32-bit big-endian fields; one in 64
   is kept for a while, like a reassembly queue.
   Usage: buffers.byte [PACKETS] *)

open Bigarray

let packets = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 100000

let create n : (char, int8_unsigned_elt, c_layout) Array1.t = Array1.create char c_layout n

let get_be16 b off =
  (Char.code (Array1.unsafe_get b off) lsl 8) lor Char.code (Array1.unsafe_get b (off + 1))

let get_be32 b off = (get_be16 b off lsl 16) lor get_be16 b (off + 2)

let set_be16 b off v =
  Array1.unsafe_set b off (Char.unsafe_chr ((v lsr 8) land 0xff));
  Array1.unsafe_set b (off + 1) (Char.unsafe_chr (v land 0xff))

let () =
  let queue = Array.make 16 (create 0) in
  let frame = create 1514 in
  let sum = ref 0 in
  for i = 1 to packets do
    let len = 40 + (i * 37) mod 600 in
    let p = create len in
    Array1.fill p (Char.unsafe_chr (i land 0xff));
    set_be16 p 2 len;
    set_be16 p 12 (i land 0xffff);
    Array1.blit p (Array1.sub frame 14 len);
    let ip = Array1.sub frame 14 20 in
    sum := (!sum + get_be16 ip 2 + get_be32 ip 12 + get_be16 frame (len + 12)) land 0x3FFFFFFF;
    if i mod 64 = 0 then queue.(i / 64 mod 16) <- p
  done;
  Array.iter (fun b -> sum := (!sum + Array1.dim b) land 0x3FFFFFFF) queue;
  Printf.printf "buffers %d: checksum %d\n" packets !sum
