(* The device primitives shared by every device module: clocks, the wait,
   entropy, and the error classes of vm/port_dev.h. *)

type error =
  | Again | In_progress | Refused | Reset | Closed | Timed_out | Unreachable
  | Addr_in_use | Not_supported | Invalid | Out_of_range | No_device | Read_only
  | Too_many | Io

(* In the order of enum port_dev_error, from 1. *)
let errors = [| Io; Again; In_progress; Refused; Reset; Closed; Timed_out; Unreachable;
                Addr_in_use; Not_supported; Invalid; Out_of_range; No_device; Read_only;
                Too_many; Io |]

let error_of_code n = let i = -n in if i > 0 && i < Array.length errors then errors.(i) else Io

external error_message_of_code : int -> string = "ucaml_dev_error_message"

let code_of_error e =
  let rec find i = if i >= Array.length errors || errors.(i) = e then i else find (i + 1) in
  - (find 1)

let error_message e = error_message_of_code (code_of_error e)

(* Raised by device calls that cannot return a result. *)
exception Device_error of string * error

let () =
  Printexc.register_printer (function
    | Device_error (what, e) -> Some (Printf.sprintf "%s: %s" what (error_message e))
    | _ -> None)

external monotonic_ns : unit -> int64 = "ucaml_dev_monotonic_ns"
external wall_clock : unit -> int64 * int * bool = "ucaml_dev_wall_clock"
external entropy : Bytes.t -> bool = "ucaml_dev_entropy"

(* [wait fds deadline]: see vm/prim_dev_time.c. *)
external wait : int array -> int64 -> int = "ucaml_dev_wait"

let readable = 1
let writable = 2
