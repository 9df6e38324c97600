; Call statements whose arguments merge one by one, such as
; model.compile(...), opt = Adam(learning_rate=...), model.fit(...).
; @callee names the call for matching across versions.

(expression_statement
  (call function: (_) @callee arguments: (argument_list)) @call) @statement

(expression_statement
  (assignment
    left: (_) @target
    right: (call function: (_) @callee arguments: (argument_list)) @call)) @statement
