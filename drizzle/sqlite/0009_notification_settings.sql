ALTER TABLE `members` ADD `muted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `desktop_notifications` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `notification_prompt_dismissed` integer DEFAULT false NOT NULL;