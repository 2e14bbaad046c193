package com.acme.tasks;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Prints the fields of {@code CompletableFuture} that its own source does not declare (synthetic ones). */
public final class RecordFieldProbe {
    public static void main(String[] args) {
        List<String> added = new ArrayList<>();
        for (Field f : CompletableFuture.class.getDeclaredFields()) {
            if (f.isSynthetic()) {
                added.add(Modifier.toString(f.getModifiers()) + " " + f.getType().getName() + " " + f.getName());
            }
        }
        System.out.println("synthetic fields: " + added);
        System.out.println("scenario done");
    }
}
