package com.acme.tasks;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** The application's own marker for methods whose future may be dropped; Loopguard matches it by simple name. */
@Retention(RetentionPolicy.CLASS)
@interface FireAndForget {
}
